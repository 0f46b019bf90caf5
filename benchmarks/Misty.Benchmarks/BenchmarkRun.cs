using Misty.Benchmarks.Dashboard;
using Misty.Benchmarks.Reservations;

namespace Misty.Benchmarks;

/// <summary>What a measurement gets from <see cref="BenchmarkRun"/>.</summary>
/// <param name="Machine">Taken before the build, so its load is the machine's, not the build's.</param>
internal sealed record BenchmarkContext(string Root, string Machine, DurablePostgres Postgres, CancellationToken Stop);

/// <summary>
/// The frame of the benchmarks that measure a Misty.Web node on a throwaway PostgreSQL: builds it (unless told not to),
/// stops on Ctrl-C or at the time budget with exit code 130, prints the report and writes its markdown section, and
/// always stops PostgreSQL, keeping its files (and naming them) when the run did not finish.
/// </summary>
internal static class BenchmarkRun
{
    public static async Task<int> RunAsync(TimeSpan budget, bool build, string? markdown, string heading, Func<BenchmarkContext, Task<string>> measure)
    {
        using var stop = new CancellationTokenSource(budget);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var machine = BenchmarkReport.Machine();
        var root = MistyRepository.Root();
        if (build)
        {
            await DashboardBenchmark.BuildAsync(root, stop.Token);
        }

        var postgres = await DurablePostgres.StartAsync(trackStatements: false, stop.Token);
        var failed = true;
        try
        {
            var report = await measure(new BenchmarkContext(root, machine, postgres, stop.Token));
            Console.WriteLine();
            Console.WriteLine(report);
            if (markdown is not null)
            {
                BenchmarkReport.WriteSection(markdown, heading, report);
                Console.WriteLine($"Written to {markdown}.");
            }

            failed = false;
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped (interrupted, or over the time budget); every process it started is stopped.");
            return 130;
        }
        finally
        {
            await postgres.StopAsync(keepFiles: failed);
            if (failed)
            {
                Console.Error.WriteLine($"Logs kept in {postgres.Root}");
            }
        }
    }
}
