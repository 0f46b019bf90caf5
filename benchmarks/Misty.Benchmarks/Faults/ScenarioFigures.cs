using System.Globalization;

namespace Misty.Benchmarks.Faults;

/// <summary>What the storefront saw from a fault on: attempts that failed, by kind, and how long until none did.</summary>
internal sealed record ScenarioFigures(
    string Name, int Requests, int FailedAttempts, int Errors500, int Unavailable503, int NoAnswer, int GivenUp, TimeSpan P99, TimeSpan? Recovery)
{
    public static ScenarioFigures From(string name, StorefrontLoad load, DateTime faultAt)
    {
        var attempts = load.Attempts.Where(attempt => attempt.At >= faultAt).ToList();
        var failed = attempts.Where(attempt => !attempt.Final).ToList();
        var latencies = attempts.Select(attempt => attempt.Latency).Order().ToList();
        var lastFailure = failed.Count > 0 ? failed.Max(attempt => attempt.At + attempt.Latency) : (DateTime?)null;
        return new ScenarioFigures(
            name,
            attempts.Count(attempt => !attempt.Retry),
            failed.Count,
            attempts.Count(attempt => attempt.Status == 500),
            attempts.Count(attempt => attempt.Status == 503),
            attempts.Count(attempt => attempt.Status == 0),
            load.GivenUp,
            latencies.Count > 0 ? latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(latencies.Count * 0.99) - 1)] : TimeSpan.Zero,
            faultAt == DateTime.MinValue || lastFailure is null ? null : lastFailure - faultAt);
    }

    public string Row() => FormattableString.Invariant(
        $"| {Name} | {Requests:N0} | {FailedAttempts:N0} ({(Requests == 0 ? 0 : 100.0 * FailedAttempts / Requests):F2}%) | {Errors500} | {Unavailable503:N0} | {NoAnswer:N0} | {GivenUp} | {P99.TotalMilliseconds:F0} ms | {(Recovery is { } recovery ? FormattableString.Invariant($"{recovery.TotalSeconds:F1} s") : "none needed")} |");
}

/// <summary>PostgreSQL's work per acknowledged reservation and per order, from WAL position and commit counters.</summary>
internal sealed record DatabaseCost(ScenarioFigures Steady, int Reservations, long ReservationWal, long ReservationCommits,
    Dictionary<string, long> ReservationRows, int Orders, long OrderWal, long OrderCommits, Dictionary<string, long> OrderRows)
{
    /// <summary>Rows inserted or updated per operation, busiest tables first: "orleansstorage 2.1, inventory 0.3".</summary>
    private static string Rows(Dictionary<string, long> rows, int operations) => string.Join(", ", rows
        .Where(pair => pair.Value > 0).OrderByDescending(pair => pair.Value).Take(6)
        .Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {(double)pair.Value / Math.Max(1, operations):F2}")));

    public string Describe()
    {
        var walPerReservation = (double)ReservationWal / Math.Max(1, Reservations);
        var commitsPerReservation = (double)ReservationCommits / Math.Max(1, Reservations);
        // The order phase reserves before it orders: take the reservation's share out.
        var walPerOrder = (OrderWal - walPerReservation * Orders) / Math.Max(1, Orders);
        var commitsPerOrder = (OrderCommits - commitsPerReservation * Orders) / Math.Max(1, Orders);
        return string.Concat(
            FormattableString.Invariant($"{Reservations:N0} reservations wrote {ReservationWal / 1024.0 / 1024:F1} MiB of WAL in {ReservationCommits:N0} commits: "),
            FormattableString.Invariant($"{walPerReservation / 1024:F2} KiB and {commitsPerReservation:F2} commits per reservation (group commit shares commits between requests). "),
            FormattableString.Invariant($"{Orders:N0} orders of a held reservation: {walPerOrder / 1024:F2} KiB and {commitsPerOrder:F2} commits per order beyond its reservation. "),
            $"Rows inserted or updated per reservation: {Rows(ReservationRows, Reservations)}; per order (with its reservation): {Rows(OrderRows, Orders)}. ",
            "Background work (reminders, projections, the metrics tick) is included.");
    }
}
