using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace Misty.Web.Dashboard;

/// <summary>An event on its way to the SignalR clients of one group on this node.</summary>
public readonly record struct OutgoingEvent(string Group, string Method, object Event);

/// <summary>
/// The way from stream callbacks to this node's SignalR clients. Callbacks only post into a bounded queue, which drops
/// its oldest event when full, so neither grains nor streams ever wait for a client: a client that misses an event sees
/// the gap in versions and re-reads a snapshot. A single pump sends at most one batch per group and method every
/// <see cref="FlushInterval"/>: idle, an event leaves at once; under load, a group's events travel together in one
/// message, an array of events under the contract name.
/// </summary>
public sealed class DashboardOutbox
{
    public const int Capacity = 50_000;
    /// <summary>Events held for a group whose previous batch is still being written; older ones are dropped.</summary>
    public const int GroupBacklog = 10_000;
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(10);
    /// <summary>A client that takes longer to accept a batch is disconnected; on reconnecting it re-reads its snapshots.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DropReportInterval = TimeSpan.FromSeconds(10);

    private readonly Func<string, string, IReadOnlyList<object>, CancellationToken, Task> _send;
    private readonly ILogger<DashboardOutbox> _logger;
    private readonly Channel<OutgoingEvent> _queue;
    private long _dropped;

    public DashboardOutbox(IHubContext<OperationsHub> hub, ILogger<DashboardOutbox> logger)
        : this((group, method, events, cancellationToken) => hub.Clients.Group(group).SendAsync(method, events, cancellationToken), logger)
    {
    }

    /// <param name="send">Sends one batch (group, method, events); the hub's group send, or a test's recorder.</param>
    public DashboardOutbox(Func<string, string, IReadOnlyList<object>, CancellationToken, Task> send, ILogger<DashboardOutbox> logger)
    {
        _send = send;
        _logger = logger;
        _queue = Channel.CreateBounded<OutgoingEvent>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Events dropped so far because the queue or a group's backlog was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Never waits: when the queue is full, its oldest event makes room.</summary>
    public void Post(OutgoingEvent outgoing) => _queue.Writer.TryWrite(outgoing);

    public async Task RunAsync(CancellationToken stopping)
    {
        var pending = new Dictionary<string, Queue<OutgoingEvent>>(StringComparer.Ordinal);
        var sending = new Dictionary<string, Task>(StringComparer.Ordinal);
        var reported = 0L;
        var nextReport = DateTime.UtcNow + DropReportInterval;
        try
        {
            while (pending.Count > 0 || await _queue.Reader.WaitToReadAsync(stopping))
            {
                while (_queue.Reader.TryRead(out var outgoing))
                {
                    Hold(pending, outgoing);
                }

                foreach (var group in pending.Keys.ToList())
                {
                    // One batch in flight per group keeps each group's events in order.
                    if (sending.TryGetValue(group, out var busy) && !busy.IsCompleted)
                    {
                        continue;
                    }

                    sending[group] = SendBatchAsync(group, pending[group]);
                    pending.Remove(group);
                }

                foreach (var (group, _) in sending.Where(entry => entry.Value.IsCompleted).ToList())
                {
                    sending.Remove(group);
                }

                if (DateTime.UtcNow >= nextReport)
                {
                    reported = ReportDrops(reported);
                    nextReport = DateTime.UtcNow + DropReportInterval;
                }

                await Task.Delay(FlushInterval, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }

        await Task.WhenAll(sending.Values);
    }

    private void Hold(Dictionary<string, Queue<OutgoingEvent>> pending, OutgoingEvent outgoing)
    {
        if (!pending.TryGetValue(outgoing.Group, out var batch))
        {
            pending[outgoing.Group] = batch = new Queue<OutgoingEvent>();
        }
        else if (batch.Count >= GroupBacklog)
        {
            batch.Dequeue();
            Interlocked.Increment(ref _dropped);
        }

        batch.Enqueue(outgoing);
    }

    private async Task SendBatchAsync(string group, Queue<OutgoingEvent> batch)
    {
        using var timeout = new CancellationTokenSource(SendTimeout);
        try
        {
            foreach (var run in batch.GroupBy(outgoing => outgoing.Method, StringComparer.Ordinal))
            {
                await _send(group, run.Key, [.. run.Select(outgoing => outgoing.Event)], timeout.Token);
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Sending {Count} events to dashboard group {Group} failed.", batch.Count, group);
        }
    }

    private long ReportDrops(long reported)
    {
        var dropped = Dropped;
        if (dropped > reported)
        {
            _logger.LogWarning("Dashboard clients fell behind: {Count} events dropped in the last {Interval}; they re-read snapshots.",
                dropped - reported, DropReportInterval);
        }

        return dropped;
    }
}
