using System.Diagnostics;
using System.Runtime.InteropServices;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>
/// The <c>reservations</c> mode: the flash-sale benchmark of Misty against the plain-PostgreSQL baseline, both on
/// one throwaway durable PostgreSQL, one system at a time so neither idles on the CPU the other is measured on.
/// </summary>
public static class ReservationBenchmark
{
    private const int HotStock = 1_000_000;
    private const int UniformStock = 1_000;
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(3);

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        ReservationBenchmarkOptions? options;
        try
        {
            options = ReservationBenchmarkOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        if (options is null)
        {
            Console.WriteLine(ReservationBenchmarkOptions.Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource(TimeBudget(options));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => CancelInstead(signal, stop));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => CancelInstead(signal, stop));
        try
        {
            return await RunAsync(options, args, stop.Token) ? 0 : 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped (interrupted, or over the time budget); every process it started is stopped.");
            return 130;
        }
    }

    // Stop through the cancellation token rather than dying, so the finally blocks stop every child process.
    private static void CancelInstead(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    // Setup (builds, PostgreSQL, service starts, albums) plus every window and the kill tests, with room.
    private static TimeSpan TimeBudget(ReservationBenchmarkOptions options) =>
        TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(options.MemoryHolds / 500) + (options.Rounds * options.Systems.Count * 2 * TimeSpan.FromSeconds(options.WarmupSeconds + options.Seconds + 30));

    private static async Task<bool> RunAsync(ReservationBenchmarkOptions options, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // Before anything starts: the load average then is what else the machine was doing.
        var machine = BenchmarkReport.Machine();
        var root = MistyRepository.Root();
        var targets = options.Systems.Select<string, ReservationTarget>(name => name == "misty" ? new MistyTarget() : new BaselineTarget()).ToArray();
        if (options.Build)
        {
            foreach (var project in targets.Select(ProjectOf))
            {
                await BuildAsync(root, project, cancellationToken);
            }
        }

        Scenario[] scenarios = options.Flash ? [] :
        [
            new(ReservationReport.HotScenario, 1, HotStock),
            new($"uniform, {options.UniformAlbums:N0} albums", options.UniformAlbums, UniformStock),
        ];
        var postgres = await DurablePostgres.StartAsync(options.Statements, cancellationToken);
        var running = new List<RunningTarget>();
        var failures = new Dictionary<string, string>();
        try
        {
            var settings = await postgres.DurabilitySettingsAsync(cancellationToken);
            Console.WriteLine($"PostgreSQL on 127.0.0.1:{postgres.Port} ({settings}); files in {postgres.Root}");
            var workspace = new BenchmarkWorkspace(root, postgres, postgres.Root);
            await using var server = NpgsqlDataSource.Create(postgres.ConnectionString("postgres"));
            if (options.Statements)
            {
                await StatementProfile.InstallAsync(server, cancellationToken);
            }

            foreach (var target in targets)
            {
                await AttemptAsync(target.Name, failures, async () =>
                    running.Add(await RunningTarget.StartAsync(target, workspace, scenarios, options.Connections, cancellationToken)));
            }

            if (options is { Flash: true, MemoryHolds: > 0 })
            {
                return await FlashMemoryAsync(running, failures, options, args, root, cancellationToken);
            }

            if (options.Flash)
            {
                return await FlashAsync(running, failures, options, args, root, cancellationToken);
            }

            await MeasureRoundsAsync(running, scenarios, options.Statements ? server : null, failures, options, cancellationToken);
            var results = new List<ScenarioResult>();
            var durability = new List<DurabilityResult>();
            foreach (var target in running.Where(target => !failures.ContainsKey(target.Name)))
            {
                results.AddRange(scenarios.Select(scenario => ScenarioResult.From(target.Name, scenario.Name, target.Windows[scenario.Name])));
                await AttemptAsync(target.Name, failures, async () =>
                    durability.Add(await CheckDurabilityAsync(target, scenarios[0], options.Connections, cancellationToken)));
            }

            var report = ReservationReport.Render(
                options, args, machine, await RevisionAsync(root), settings, results, durability,
                [.. failures.Select(failure => $"{failure.Key}: {failure.Value}")]);
            Console.WriteLine();
            Console.WriteLine(report);
            // A failed run prints its partial figures but does not replace the recorded ones.
            if (options.Markdown is not null && failures.Count == 0)
            {
                BenchmarkReport.WriteSection(options.Markdown, ReservationReport.Heading, report);
                Console.WriteLine($"Written to {options.Markdown}.");
            }

            return failures.Count == 0;
        }
        finally
        {
            foreach (var target in running)
            {
                await target.DisposeAsync();
            }

            var keep = failures.Count > 0 || cancellationToken.IsCancellationRequested;
            await postgres.StopAsync(keepFiles: keep);
            if (keep)
            {
                Console.Error.WriteLine($"Logs kept in {postgres.Root}");
            }
        }
    }

    private static async Task<bool> FlashAsync(
        List<RunningTarget> running, Dictionary<string, string> failures, ReservationBenchmarkOptions options, IReadOnlyList<string> args, string root,
        CancellationToken cancellationToken)
    {
        var results = new List<FlashSaleBenchmark.Result>();
        foreach (var target in running.Where(target => !failures.ContainsKey(target.Name)))
        {
            // Only Misty answers GET /api/inventory, which the expiry variant watches.
            await AttemptAsync(target.Name, failures, async () =>
                results.Add(await FlashSaleBenchmark.RunAsync(target, options.Connections, options.Seconds, options.WarmupSeconds, expiry: target.Target is MistyTarget, cancellationToken)));
        }

        var report = FlashSaleBenchmark.Render(results, "dotnet run -c Release --project benchmarks/Misty.Benchmarks -- reservations " + string.Join(' ', args), await RevisionAsync(root), options.WarmupSeconds);
        Console.WriteLine(report);
        if (options.Markdown is not null && failures.Count == 0)
        {
            BenchmarkReport.WriteSection(options.Markdown, FlashSaleBenchmark.Heading, report);
        }

        return failures.Count == 0;
    }

    private static async Task<bool> FlashMemoryAsync(
        List<RunningTarget> running, Dictionary<string, string> failures, ReservationBenchmarkOptions options, IReadOnlyList<string> args, string root,
        CancellationToken cancellationToken)
    {
        string? report = null;
        foreach (var target in running.Where(target => !failures.ContainsKey(target.Name)))
        {
            await AttemptAsync(target.Name, failures, async () =>
                report = await FlashSaleBenchmark.MemoryAsync(target, options.Connections, options.MemoryHolds,
                    "dotnet run -c Release --project benchmarks/Misty.Benchmarks -- reservations " + string.Join(' ', args), await RevisionAsync(root), cancellationToken));
        }

        Console.WriteLine(report);
        if (options.Markdown is not null && report is not null && failures.Count == 0)
        {
            BenchmarkReport.WriteSection(options.Markdown, FlashSaleBenchmark.MemoryHeading, report);
        }

        return report is not null && failures.Count == 0;
    }

    /// <summary>Runs one system's step; a failure is recorded against that system and the run goes on without it.</summary>
    private static async Task AttemptAsync(string system, Dictionary<string, string> failures, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failures[system] = ex.Message;
            Console.Error.WriteLine($"{system} failed: {ex}");
        }
    }

    /// <summary>
    /// Each round measures every scenario on each system in turn, the first system alternating between rounds, so a
    /// noisy moment on the shared machine does not always fall on the same system.
    /// </summary>
    private static async Task MeasureRoundsAsync(
        List<RunningTarget> running, Scenario[] scenarios, NpgsqlDataSource? statements, Dictionary<string, string> failures,
        ReservationBenchmarkOptions options, CancellationToken cancellationToken)
    {
        for (var round = 1; round <= options.Rounds; round++)
        {
            var order = round % 2 == 1 ? running.ToArray() : running.AsEnumerable().Reverse().ToArray();
            foreach (var scenario in scenarios)
            {
                foreach (var target in order.Where(target => !failures.ContainsKey(target.Name)))
                {
                    var profile = statements is null ? null : new StatementProfile(statements, target.Target.DatabaseName);
                    await AttemptAsync(target.Name, failures, async () =>
                    {
                        var window = await MeasureAsync(target, scenario, profile, options, cancellationToken);
                        target.Record(scenario.Name, window);
                        var result = ScenarioResult.From(target.Name, scenario.Name, [window]);
                        Console.WriteLine($"round {round}, {target.Name}, {scenario.Name}: {result.PerSecond:N0}/s, p50 {result.P50Ms:0.0} ms, " +
                                          $"p99 {result.P99Ms:0.0} ms, other CPU {window.Usage.OtherCores:0.00} cores, stolen {window.Usage.StolenCores:0.00} cores");
                        if (profile is not null)
                        {
                            // Read after the workers stopped, so it includes their last releases: slightly over, never under.
                            Console.WriteLine($"statements in the window:\n{await profile.RenderAsync(result.Reserved, cancellationToken)}");
                        }
                    });
                }
            }
        }
    }

    private static async Task<MeasuredWindow> MeasureAsync(
        RunningTarget target, Scenario scenario, StatementProfile? profile, ReservationBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var load = new ClosedLoopLoad(target.Client, target.Bodies[scenario.Name], release: true);
        var running = load.RunAsync(options.Connections, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
        if (profile is not null)
        {
            await profile.ResetAsync(cancellationToken);
        }

        var before = await target.Meter.SnapshotAsync(cancellationToken);
        var from = load.StartMeasuring();
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds), cancellationToken);
        var to = Stopwatch.GetTimestamp();
        var after = await target.Meter.SnapshotAsync(cancellationToken);
        load.Stop();
        return new MeasuredWindow(await running, from, to, ResourceUsage.Between(before, after));
    }

    /// <summary>
    /// Checks that what was acknowledged is stored: everything from the measured rounds, then a burst of reservations
    /// (not released) during which the service is SIGKILLed, so nothing held only in its memory can survive.
    /// </summary>
    private static async Task<DurabilityResult> CheckDurabilityAsync(
        RunningTarget target, Scenario scenario, int connections, CancellationToken cancellationToken)
    {
        var stored = await target.Target.StoredReservationIdsAsync(target.Database, cancellationToken);
        var load = new ClosedLoopLoad(target.Client, target.Bodies[scenario.Name], release: false);
        var running = load.RunAsync(connections, cancellationToken);
        await Task.Delay(KillAfter, cancellationToken);
        target.Service.Kill();
        load.Stop();
        var killAcknowledged = (await running).SelectMany(tally => tally.Acknowledged).ToArray();
        var storedAfterKill = await target.Target.StoredReservationIdsAsync(target.Database, cancellationToken);
        return new DurabilityResult(
            target.Name, target.Acknowledged.Count, target.Acknowledged.Count(stored.Contains),
            killAcknowledged.Length, killAcknowledged.Count(storedAfterKill.Contains));
    }

    /// <summary>The commit checked out; the builds also include whatever was edited but not committed.</summary>
    private static async Task<string> RevisionAsync(string root)
    {
        try
        {
            var start = new ProcessStartInfo("git", ["rev-parse", "--short", "HEAD"]) { WorkingDirectory = root, RedirectStandardOutput = true };
            using var git = Process.Start(start)!;
            var revision = (await git.StandardOutput.ReadToEndAsync()).Trim();
            await git.WaitForExitAsync();
            return git.ExitCode == 0 && revision.Length > 0 ? revision : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no git)";
        }
    }

    private static string ProjectOf(ReservationTarget target) =>
        target is MistyTarget ? "src/Misty.Web/Misty.Web.csproj" : "benchmarks/Misty.Baseline/Misty.Baseline.csproj";

    /// <summary>A Release build; retried because another build of the same projects may hold a file lock.</summary>
    private static async Task BuildAsync(string root, string project, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            Console.WriteLine($"Building {project} (Release) ...");
            var start = new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "quiet", "-clp:ErrorsOnly"])
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var build = Process.Start(start)!;
            var output = build.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = build.StandardError.ReadToEndAsync(cancellationToken);
            await build.WaitForExitAsync(cancellationToken);
            if (build.ExitCode == 0)
            {
                return;
            }

            if (attempt == attempts)
            {
                throw new InvalidOperationException($"Building {project} failed:\n{await output}{await errors}");
            }

            await Task.Delay(TimeSpan.FromSeconds(5 * attempt), cancellationToken);
        }
    }
}
