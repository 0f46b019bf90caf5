using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Misty.Benchmarks.Reservations;

namespace Misty.Benchmarks.Dashboard;

/// <summary>What one measured window showed.</summary>
public sealed record RoundResult(
    string Scenario, int Clients, int Albums, double ChangesPerSecond, int Skipped, long Deliveries, long Lost, long BeforeAnswer,
    double P50Ms, double P99Ms, double MaxMs, ResourceUsage Usage);

/// <summary>
/// The clients: SignalR connections that follow albums and note when each StockChanged arrives. Arrival times are kept
/// per client, album and version (offset from the version the round started at), so the load's answers match them.
/// </summary>
public sealed class Followers : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private Round? _round;

    public int Count => _connections.Count;

    /// <summary>Connects or disconnects clients until there are <paramref name="total"/>; new ones follow <paramref name="albums"/>.</summary>
    public async Task ResizeAsync(Uri address, string token, int total, IReadOnlyList<Guid> albums, CancellationToken cancellationToken)
    {
        while (_connections.Count > total)
        {
            await _connections[^1].DisposeAsync();
            _connections.RemoveAt(_connections.Count - 1);
        }

        var known = _connections.Count;
        while (_connections.Count < total)
        {
            var index = _connections.Count;
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(address, "/hubs/operations"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            connection.On<Change[]>("StockChanged", changes => _round?.Arrived(index, changes, Stopwatch.GetTimestamp()));
            await connection.StartAsync(cancellationToken);
            _connections.Add(connection);
        }

        await Task.WhenAll(_connections.Skip(known).Select(connection => InvokeForEachAsync(connection, "SubscribeAlbum", albums, cancellationToken)));
    }

    public Task FollowAsync(IReadOnlyList<Guid> albums, CancellationToken cancellationToken) =>
        Task.WhenAll(_connections.Select(connection => InvokeForEachAsync(connection, "SubscribeAlbum", albums, cancellationToken)));

    public Task UnfollowAsync(IReadOnlyList<Guid> albums, CancellationToken cancellationToken) =>
        Task.WhenAll(_connections.Select(connection => InvokeForEachAsync(connection, "UnsubscribeAlbum", albums, cancellationToken)));

    /// <summary>Runs one round: restocks at <paramref name="rate"/> per second, warm-up first, then the measured window.</summary>
    public async Task<RoundResult> MeasureAsync(
        string scenario, DashboardTarget target, ResourceMeter meter, IReadOnlyList<Guid> albums, int rate, int warmupSeconds, int seconds,
        CancellationToken cancellationToken)
    {
        var baseVersions = await Task.WhenAll(albums.Select(album => target.VersionAsync(album, cancellationToken)));
        var round = new Round(albums, baseVersions, _connections.Count, (double)rate * (warmupSeconds + seconds) / albums.Count);
        _round = round;
        var load = new OpenLoopRestocks(target.Http, round);
        var running = load.RunAsync(rate, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(warmupSeconds), cancellationToken);
        var before = await meter.SnapshotAsync(cancellationToken);
        var from = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        var to = Stopwatch.GetTimestamp();
        var after = await meter.SnapshotAsync(cancellationToken);
        var skipped = await load.StopAsync(running);
        // Stragglers: anything not there after two more seconds counts as lost.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        _round = null;
        return round.Result(scenario, from, to, skipped, ResourceUsage.Between(before, after));
    }

    private static async Task InvokeForEachAsync(HubConnection connection, string method, IReadOnlyList<Guid> albums, CancellationToken cancellationToken)
    {
        foreach (var album in albums)
        {
            await connection.InvokeAsync(method, album, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    public sealed record Change(Guid AlbumId, long Version);
}

/// <summary>Answer and arrival times of one round, in Stopwatch ticks; 0 where nothing happened (yet).</summary>
public sealed class Round
{
    private readonly Dictionary<Guid, int> _albumIndex;
    private readonly long[] _baseVersions;
    private readonly int _slots;
    private readonly long[] _answers;
    private readonly long[][] _arrivals;

    public Round(IReadOnlyList<Guid> albums, long[] baseVersions, int clients, double changesPerAlbum)
    {
        _albumIndex = albums.Select((album, i) => (album, i)).ToDictionary(pair => pair.album, pair => pair.i);
        _baseVersions = baseVersions;
        _slots = (int)(changesPerAlbum * 1.5) + 64;
        _answers = new long[albums.Count * _slots];
        _arrivals = [.. Enumerable.Range(0, clients).Select(_ => new long[albums.Count * _slots])];
        Albums = albums;
    }

    public IReadOnlyList<Guid> Albums { get; }

    public void Answered(Guid album, long version, long at)
    {
        if (Slot(album, version) is { } slot)
        {
            _answers[slot] = at;
        }
    }

    public void Arrived(int client, IEnumerable<Followers.Change> changes, long at)
    {
        foreach (var change in changes)
        {
            if (client < _arrivals.Length && Slot(change.AlbumId, change.Version) is { } slot)
            {
                _arrivals[client][slot] = at;
            }
        }
    }

    public RoundResult Result(string scenario, long from, long to, int skipped, ResourceUsage usage)
    {
        var latencies = new List<double>();
        long lost = 0, early = 0, answered = 0;
        for (var slot = 0; slot < _answers.Length; slot++)
        {
            var answer = _answers[slot];
            if (answer < from || answer > to)
            {
                continue;
            }

            answered++;
            foreach (var arrivals in _arrivals)
            {
                var arrival = arrivals[slot];
                if (arrival == 0)
                {
                    lost++;
                }
                else
                {
                    // The event may overtake the HTTP answer: both leave Misty once the change is stored.
                    early += arrival < answer ? 1 : 0;
                    latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(answer, arrival).TotalMilliseconds));
                }
            }
        }

        latencies.Sort();
        double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        return new RoundResult(scenario, _arrivals.Length, Albums.Count, answered / Stopwatch.GetElapsedTime(from, to).TotalSeconds, skipped,
            latencies.Count, lost, early, Percentile(0.50), Percentile(0.99), latencies.Count == 0 ? double.NaN : latencies[^1], usage);
    }

    private int? Slot(Guid album, long version)
    {
        if (!_albumIndex.TryGetValue(album, out var index))
        {
            return null;
        }

        var offset = version - _baseVersions[index] - 1;
        return offset >= 0 && offset < _slots ? (int)(index * _slots + offset) : null;
    }
}

/// <summary>
/// Restocks one unit at a fixed rate whatever the answers' pace (open loop), round-robin over the round's albums;
/// at most <see cref="MaxInFlight"/> requests are outstanding, and a change that would exceed it is skipped and counted.
/// </summary>
public sealed class OpenLoopRestocks(HttpClient http, Round round)
{
    public const int MaxInFlight = 512;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private readonly CancellationTokenSource _stop = new();
    private int _inFlight;
    private int _skipped;

    public async Task RunAsync(int rate, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        using var timer = new PeriodicTimer(Tick);
        var start = Stopwatch.GetTimestamp();
        long issued = 0;
        var next = 0;
        var requests = new List<Task>();
        try
        {
            while (await timer.WaitForNextTickAsync(linked.Token))
            {
                var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate);
                for (; issued < due; issued++)
                {
                    var album = round.Albums[next++ % round.Albums.Count];
                    if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
                    {
                        Interlocked.Decrement(ref _inFlight);
                        Interlocked.Increment(ref _skipped);
                        continue;
                    }

                    requests.Add(RestockAsync(album));
                }

                requests.RemoveAll(request => request.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }

        await Task.WhenAll(requests);
    }

    /// <returns>How many changes were skipped because too many requests were outstanding.</returns>
    public async Task<int> StopAsync(Task running)
    {
        await _stop.CancelAsync();
        await running;
        _stop.Dispose();
        return _skipped;
    }

    private async Task RestockAsync(Guid album)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"/api/inventory/{album}/restock", new { quantity = 1 });
            if (response.IsSuccessStatusCode)
            {
                var stock = await response.Content.ReadFromJsonAsync<Stock>();
                round.Answered(album, stock!.Version, Stopwatch.GetTimestamp());
            }
        }
        catch (HttpRequestException)
        {
            // Counted by its absence: a change without an answer is not measured.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private sealed record Stock(long Version);
}
