using System.Diagnostics;

namespace Misty.Benchmarks.Reservations;

/// <summary>One system on one scenario over the measured window.</summary>
public sealed record ScenarioResult(
    string System,
    string Scenario,
    int Reserved,
    double PerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    IReadOnlyDictionary<int, int> FailedByStatus,
    int FailedReleases,
    ResourceUsage Usage,
    double BusiestOtherCores,
    double MostStolenCores)
{
    /// <summary>
    /// Reservations per second and latency of the successful reserves that completed inside the measured windows,
    /// pooled over all of them; resource use is the windows' average, plus the most CPU anything else took in one and
    /// the most the host withheld in one.
    /// </summary>
    public static ScenarioResult From(string system, string scenario, IReadOnlyList<MeasuredWindow> windows)
    {
        var samples = windows
            .SelectMany(window => window.Tallies.SelectMany(tally => tally.Samples).Where(sample => sample.CompletedAt <= window.To))
            .ToArray();
        var latencies = samples.Where(sample => sample.Status == 201).Select(sample => sample.Elapsed).Order().ToArray();
        var failed = samples.Where(sample => sample.Status != 201)
            .GroupBy(sample => sample.Status)
            .ToDictionary(group => group.Key, group => group.Count());
        var seconds = windows.Sum(window => Stopwatch.GetElapsedTime(window.From, window.To).TotalSeconds);
        return new ScenarioResult(
            system,
            scenario,
            latencies.Length,
            latencies.Length / seconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.Length == 0 ? double.NaN : Milliseconds(latencies[^1]),
            failed,
            windows.Sum(window => window.Tallies.Sum(tally => tally.FailedReleases)),
            ResourceUsage.Average(windows.Select(window => window.Usage).ToArray()),
            windows.Max(window => window.Usage.OtherCores),
            windows.Max(window => window.Usage.StolenCores));
    }

    // Nearest rank: the smallest sample with at least the fraction q of all samples at or below it.
    private static double Percentile(long[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : Milliseconds(sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)]);

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>
/// Whether acknowledged meant stored: after the measured runs (a graceful check), and after the service was killed
/// with SIGKILL in the middle of a burst of reservations (nothing only in memory survives that).
/// </summary>
public sealed record DurabilityResult(string System, int RunAcknowledged, int RunStored, int KillAcknowledged, int KillStored);
