using System.Globalization;
using System.Text;

namespace Misty.Benchmarks.Reservations;

/// <summary>The run's results as Markdown, ready for docs/benchmarks.md.</summary>
public static class ReservationReport
{
    public const string HotScenario = "hot album";
    private const double HotThroughputTarget = 8;
    private const double HotP99TargetMs = 25;
    private const double UniformThroughputTarget = 2;
    /// <summary>More CPU than this taken by other processes, or withheld by the host, during a window makes its figures suspect.</summary>
    private const double QuietMachineCores = 0.2;

    public const string Heading = "## Reservations (flash sale)";

    public static string Render(
        ReservationBenchmarkOptions options,
        IReadOnlyList<string> args,
        string machine,
        string revision,
        string postgresSettings,
        IReadOnlyList<ScenarioResult> results,
        IReadOnlyList<DurabilityResult> durability,
        IReadOnlyList<string> failures)
    {
        var text = new StringBuilder();
        Line(text, $"Measured {machine}, {MemoryGiB():0} GiB memory, built from the working tree at commit {revision}, with");
        Line(text, "");
        Line(text, $"    {BenchmarkReport.Command("reservations", [.. args])}");
        Line(text, "");
        Line(text, $"One throwaway PostgreSQL ({postgresSettings}) on the same machine, a database per system; both systems run side by side " +
                   "(Release builds, child processes on 127.0.0.1) and are measured in turn, Misty once its knowledge index has embedded the new albums " +
                   "(a shop's albums are indexed long before a sale). " +
                   $"{options.Connections} HTTP/1.1 connections on loopback, each a closed loop: reserve 1 unit with a fresh Idempotency-Key " +
                   "(timed), then release it with DELETE (not timed), so stock and open holds stay bounded. " +
                   $"Each window: {options.WarmupSeconds} s warm-up, then {options.Seconds} s measured; {Rounds(options.Rounds)}. " +
                   "Reservations/s counts 201 answers; latencies are those of the 201s. The baseline is benchmarks/Misty.Baseline: " +
                   "each reservation one transaction (idempotency row, conditional UPDATE of the stock row, commit), each release another. " +
                   "CPU is in cores (2.00 = both cores busy); \"other\" is everything else on the machine, the idle system included; " +
                   "\"stolen\" is time the virtual machine had work but the host ran something else.");
        Line(text, "");
        Line(text, "| scenario | system | reservations/s | p50 ms | p99 ms | max ms | failed reserves | failed releases | CPU cores: service / PostgreSQL / load / other / stolen | PG commits/s | WAL flushes/s |");
        Line(text, "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: |");
        foreach (var r in results)
        {
            var u = r.Usage;
            Line(text,
                $"| {r.Scenario} | {r.System} | {r.PerSecond:N0} | {r.P50Ms:0.0} | {r.P99Ms:0.0} | {r.MaxMs:0} | {Failures(r.FailedByStatus)} | {r.FailedReleases} " +
                $"| {u.ServiceCores:0.00} / {u.PostgresCores:0.00} / {u.GeneratorCores:0.00} / {u.OtherCores:0.00} / {u.StolenCores:0.00} | {u.CommitsPerSecond:N0} | {u.WalSyncsPerSecond:N0} |");
        }

        Line(text, "");
        foreach (var verdict in Verdicts(results))
        {
            Line(text, $"- {verdict}");
        }

        foreach (var d in durability)
        {
            Line(text,
                $"- Durability, {d.System}: {d.RunStored:N0} of {d.RunAcknowledged:N0} reservations acknowledged during the runs are stored; " +
                $"killed (SIGKILL) under load: {d.KillStored:N0} of {d.KillAcknowledged:N0} acknowledged are stored.");
        }

        if (results.Count > 0 && results.Max(r => r.BusiestOtherCores) is var busiest and > QuietMachineCores)
        {
            Line(text, $"- Other processes took up to {busiest:0.00} cores during a measured window: these figures are disturbed by them.");
        }

        if (results.Count > 0 && results.Max(r => r.MostStolenCores) is var stolen and > QuietMachineCores)
        {
            Line(text, $"- The host withheld up to {stolen:0.00} cores (steal) during a measured window: these figures are disturbed by it.");
        }

        foreach (var failure in failures)
        {
            Line(text, $"- FAILED: {failure}");
        }

        return text.ToString();
    }

    private static IEnumerable<string> Verdicts(IReadOnlyList<ScenarioResult> results)
    {
        foreach (var scenario in results.Select(r => r.Scenario).Distinct())
        {
            var baseline = results.FirstOrDefault(r => r.Scenario == scenario && r.System == "baseline");
            var misty = results.FirstOrDefault(r => r.Scenario == scenario && r.System == "misty");
            if (baseline is null || misty is null)
            {
                continue;
            }

            var ratio = misty.PerSecond / baseline.PerSecond;
            if (scenario == HotScenario)
            {
                yield return $"{scenario}: Misty/baseline = {ratio:0.00}x (target ≥ {HotThroughputTarget}x: {Met(ratio >= HotThroughputTarget)}); " +
                             $"Misty p99 {misty.P99Ms:0.0} ms (target < {HotP99TargetMs} ms: {Met(misty.P99Ms < HotP99TargetMs)}).";
            }
            else
            {
                yield return $"{scenario}: Misty/baseline = {ratio:0.00}x (target ≥ {UniformThroughputTarget}x: {Met(ratio >= UniformThroughputTarget)}).";
            }
        }
    }

    private static string Rounds(int rounds) =>
        rounds == 1
            ? "one window per scenario and system"
            : $"{rounds} rounds, each a window per scenario and system, the first system alternating; figures pool the rounds";

    private static string Met(bool met) => met ? "met" : "MISSED";

    private static string Failures(IReadOnlyDictionary<int, int> byStatus) =>
        byStatus.Count == 0
            ? "0"
            : string.Join(", ", byStatus.OrderBy(entry => entry.Key).Select(entry =>
                $"{(entry.Key == ReserveSample.NoAnswer ? "no answer" : entry.Key.ToString(CultureInfo.InvariantCulture))}: {entry.Value}"));

    private static double MemoryGiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
