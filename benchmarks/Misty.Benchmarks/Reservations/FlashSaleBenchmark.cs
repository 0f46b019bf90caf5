using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Misty.Client;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>
/// "Flash sale, holds kept": one album, reserve only (buyers keep their holds), so open holds pile up; reported per
/// 10 s window, with PostgreSQL WAL bytes per reservation and the service's resident memory. Then, on systems that
/// can report stock, the same with ttlSeconds 30: how long after the holds expire the album has all its units back.
/// Each system first gets the same load on another album for the warm-up seconds (JIT, pools, caches), so the measured
/// album starts with no holds and its first window is not the process's first seconds.
/// </summary>
public static class FlashSaleBenchmark
{
    public const string Heading = "## Reservations: flash sale, holds kept";
    public const string MemoryHeading = "## Reservations: flash sale memory";

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(20);
    private const int Stock = 1_000_000;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    public sealed record Result(string System, IReadOnlyList<string> Windows, int Held, double PerSecond, double WalBytesPerReservation,
        long RssBeforeMb, long RssAfterMb, string Usage, string? Expiry);

    public static async Task<Result> RunAsync(RunningTarget target, int connections, int seconds, int warmupSeconds, bool expiry, CancellationToken cancellationToken)
    {
        var warmup = (await target.Target.CreateAlbumsAsync(target.Service, 1, Stock, cancellationToken))[0];
        await LoadAsync(target, Body(warmup, 900), connections, warmupSeconds, cancellationToken);
        var album = (await target.Target.CreateAlbumsAsync(target.Service, 1, Stock, cancellationToken))[0];
        var rssBefore = RssMb(target.Service.Id);
        var wal = await WalAsync(target.Database, null, cancellationToken);
        var before = await target.Meter.SnapshotAsync(cancellationToken);
        var (tallies, from) = await LoadAsync(target, Body(album, 900), connections, seconds, cancellationToken);
        var after = await target.Meter.SnapshotAsync(cancellationToken);
        var walBytes = await WalAsync(target.Database, wal, cancellationToken);
        var held = tallies.Sum(tally => tally.Acknowledged.Count);
        var windows = new List<string>();
        var samples = tallies.SelectMany(tally => tally.Samples).Where(sample => sample.Status == 201).ToList();
        for (var start = 0; start < seconds; start += (int)Window.TotalSeconds)
        {
            var lo = from + (long)(start * Stopwatch.Frequency);
            var hi = lo + (long)(Window.TotalSeconds * Stopwatch.Frequency);
            var times = samples.Where(s => s.CompletedAt >= lo && s.CompletedAt < hi).Select(s => s.Elapsed * 1000.0 / Stopwatch.Frequency).Order().ToList();
            windows.Add(times.Count == 0 ? $"| {start}-{start + 10} s | 0 | | |"
                : string.Create(CultureInfo.InvariantCulture, $"| {start}-{start + 10} s | {times.Count / Window.TotalSeconds:N0} | {times[times.Count / 2]:0.0} ms | {times[(int)(times.Count * 0.99)]:0.0} ms |"));
        }

        var usage = ResourceUsage.Between(before, after);
        var usageText = string.Create(CultureInfo.InvariantCulture,
            $"service {usage.ServiceCores:0.00}, PostgreSQL {usage.PostgresCores:0.00}, other {usage.OtherCores:0.00}, stolen {usage.StolenCores:0.00} cores");
        var expiryText = expiry ? await ExpiryAsync(target, connections, cancellationToken) : null;
        return new Result(target.Name, windows, held, held / (double)seconds, walBytes / Math.Max(1, held), rssBefore, RssMb(target.Service.Id), usageText, expiryText);
    }

    public static string Render(IReadOnlyList<Result> results, string command, string revision, int warmupSeconds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured with `{command}` at {revision}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, on the shared 2-core machine, " +
            $"each system after {warmupSeconds} s of the same load on another album.");
        foreach (var result in results)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"**{result.System}**: {result.Held:N0} holds open at the end, {result.PerSecond:N0} reservations/s; " +
                $"{result.WalBytesPerReservation:N0} WAL bytes per reservation; resident memory {result.RssBeforeMb} MB before, {result.RssAfterMb} MB after; CPU {result.Usage}.");
            text.AppendLine();
            text.AppendLine("| window | reservations/s | p50 | p99 |");
            text.AppendLine("| --- | ---: | ---: | ---: |");
            foreach (var window in result.Windows)
            {
                text.AppendLine(window);
            }

            if (result.Expiry is not null)
            {
                text.AppendLine();
                text.AppendLine(result.Expiry);
            }
        }

        var misty = results.FirstOrDefault(r => r.System == "misty");
        var baseline = results.FirstOrDefault(r => r.System == "baseline");
        if (misty is not null && baseline is not null)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Misty / baseline: **{misty.PerSecond / baseline.PerSecond:0.00}x** reservations/s with holds kept.");
        }

        return text.ToString();
    }

    /// <summary>
    /// Reserve-only load on one fresh album until <paramref name="holds"/> holds are open on it (an hour's TTL, so none
    /// expires meanwhile): the service's resident memory before the load and once they are open. "Before" is taken twice:
    /// cold, right after start, and warm, after <see cref="WarmUp"/> of reserve-and-release on another album and a pause,
    /// when the runtime has grown to what serving takes (JIT, thread pool, GC budgets, the embedding model that indexes
    /// new albums), so the difference from it is what the holds cost.
    /// </summary>
    public static async Task<string> MemoryAsync(RunningTarget target, int connections, int holds, string command, string revision, CancellationToken cancellationToken)
    {
        // One restock of exactly the holds wanted (the API takes at most 1,000,000 units per change): the last reserves are refused.
        var albums = await target.Target.CreateAlbumsAsync(target.Service, 2, holds, cancellationToken);
        var album = albums[0];
        var cold = RssMb(target.Service.Id);
        var warmUp = new ClosedLoopLoad(target.Client, [Body(albums[1], 3600)], release: true);
        var warming = warmUp.RunAsync(connections, cancellationToken);
        await Task.Delay(WarmUp, cancellationToken);
        warmUp.Stop();
        await warming;
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        var idle = RssMb(target.Service.Id);
        var load = new ClosedLoopLoad(target.Client, [Body(album, 3600)], release: false);
        var started = Stopwatch.GetTimestamp();
        var running = load.RunAsync(connections, cancellationToken);
        var peak = idle;
        int reserved;
        do
        {
            await Task.Delay(1000, cancellationToken);
            peak = Math.Max(peak, RssMb(target.Service.Id));
            reserved = (await StockAsync(target, album, cancellationToken)).Reserved;
        }
        while (reserved < holds);

        load.Stop();
        await running;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var held = RssMb(target.Service.Id);
        var (_, open, _) = await StockAsync(target, album, cancellationToken);
        // Settled: the load's garbage collected as the idle server would, the holds still open.
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        var settled = RssMb(target.Service.Id);
        return string.Create(CultureInfo.InvariantCulture,
            $"""
            Measured with `{command}` at {revision}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, on the shared 2-core machine.

            One album, reserve only with ttlSeconds 3600 over {connections} connections until {open:N0} holds were open on it ({elapsed:0} s).
            Misty.Web's resident memory: {cold} MB idle right after start; {idle} MB idle after {WarmUp.TotalSeconds:0} s of reserve-and-release on another
            album and 30 s of rest; {held} MB with the holds open (peak {peak} MB during the load); {settled} MB 30 s later with the holds
            still open: **{settled - idle:+0;-0} MB** over the warm idle (target: within 300 MB), {settled - cold:+0;-0} MB over the cold one.
            """);
    }

    private static async Task<(int Quantity, int Reserved, int Available)> StockAsync(RunningTarget target, Guid album, CancellationToken cancellationToken)
    {
        var stock = await new MistyClient(target.Client).GetInventoryAsync(album, cancellationToken);
        return (stock.Quantity, stock.Reserved, stock.Available);
    }

    /// <summary>Holds of 30 s kept for 60 s, then the album watched until every unit is available again.</summary>
    private static async Task<string> ExpiryAsync(RunningTarget target, int connections, CancellationToken cancellationToken)
    {
        var album = (await target.Target.CreateAlbumsAsync(target.Service, 1, Stock, cancellationToken))[0];
        var (tallies, _) = await LoadAsync(target, Body(album, 30), connections, 60, cancellationToken);
        var held = tallies.Sum(tally => tally.Acknowledged.Count);
        var lastAnswer = tallies.SelectMany(tally => tally.Samples).Where(s => s.Status == 201).Max(s => s.CompletedAt);
        // Holds end on the whole second after answer + 30 s, so the last one has expired 31 s after the last answer.
        var lastExpiry = lastAnswer + (31 * Stopwatch.Frequency);
        var deadline = lastExpiry + (120 * Stopwatch.Frequency);
        var overQuantity = false;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var (quantity, reserved, available) = await StockAsync(target, album, cancellationToken);
            overQuantity |= available > quantity || reserved < 0;
            if (reserved == 0 && available == quantity && Stopwatch.GetTimestamp() >= lastExpiry)
            {
                var late = Stopwatch.GetElapsedTime(lastExpiry).TotalSeconds;
                return string.Create(CultureInfo.InvariantCulture,
                    $"ttlSeconds 30, held 60 s: {held:N0} holds; all units available again {late:0.0} s after the last hold's expiry " +
                    $"(available {available:N0} == quantity {quantity:N0}; available never above quantity: {!overQuantity}).");
            }

            await Task.Delay(250, cancellationToken);
        }

        return $"ttlSeconds 30, held 60 s: {held:N0} holds; NOT all released within 120 s of the last expiry.";
    }

    private static async Task<(WorkerTally[] Tallies, long From)> LoadAsync(RunningTarget target, byte[] body, int connections, int seconds, CancellationToken cancellationToken)
    {
        var load = new ClosedLoopLoad(target.Client, [body], release: false);
        var from = load.StartMeasuring();
        var running = load.RunAsync(connections, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        load.Stop();
        return (await running, from);
    }

    private static byte[] Body(Guid albumId, int ttlSeconds) =>
        JsonSerializer.SerializeToUtf8Bytes(new { lines = new[] { new { albumId, quantity = 1 } }, ttlSeconds });

    /// <summary>The WAL position now, or with <paramref name="since"/> the bytes written since then (all databases of the server).</summary>
    private static async Task<long> WalAsync(NpgsqlDataSource database, long? since, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
        var position = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return since is { } start ? position - start : position;
    }

    private static long RssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
