using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Knowledge;
using Orleans.Streams;

namespace Misty.Grains.Knowledge;

/// <summary>
/// Loads this node's vectors from the chunk table, then, whenever a notice says an item was written
/// (<see cref="KnowledgeNotices"/>) and at least every poll interval, follows the sources ledger (changes made by other
/// nodes) and looks for albums, reviews, resolved cases and documents whose chunks are missing or stale. Those go
/// through a bounded queue to one consumer that embeds them in batches: indexing takes at most one core, and a burst
/// of changes waits in the queue instead of competing with the storefront.
/// </summary>
public sealed partial class KnowledgeWorker(KnowledgeIndex index, KnowledgeOptions options, IClusterClient cluster, ILogger<KnowledgeWorker> logger)
    : BackgroundService
{
    private const int QueueCapacity = 512;
    private readonly Channel<PendingSource> _queue = Channel.CreateBounded<PendingSource>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly HashSet<SourceKey> _queued = [];
    private readonly Lock _gate = new();

    // One pending wake-up at most: notices arriving during a round add up to one more round, not one each. That round
    // looks only for the kinds noticed (under _gate), so a busy day of case replies does not scan the catalogue.
    private readonly Channel<bool> _noticed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<string> _noticedKinds = [];
    private StreamSubscriptionHandle<object>? _notices;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_notices is { } notices)
        {
            try
            {
                await notices.UnsubscribeAsync();
            }
            catch (Exception exception)
            {
                // The stream's subscription is left to Orleans, which drops it when it cannot deliver to this node.
                LogUnsubscribeFailed(exception);
            }
        }

        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribed alongside the load, so that a write during it is not missed.
        var subscribed = SubscribeAsync(stoppingToken);
        var loaded = await index.FollowAsync(stoppingToken);
        index.MarkLoaded();
        LogLoaded(loaded, index.Vectors.Count);
        if (index.Mismatched > 0)
        {
            LogMismatched(index.Mismatched);
        }

        var consumer = options.IndexInBackground ? Task.Run(() => ConsumeAsync(stoppingToken), stoppingToken) : Task.CompletedTask;
        var kinds = KnowledgeKinds.All;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await index.FollowAsync(stoppingToken);
                if (options.IndexInBackground)
                {
                    await ProduceAsync(kinds, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPollFailed(exception);
            }

            kinds = await NextRoundAsync(stoppingToken);
        }

        await Task.WhenAll(consumer, subscribed);
    }

    /// <summary>
    /// Waits for a notice (then a moment more, for the rest of its burst) or for the poll interval; returns the kinds to
    /// look for: those noticed, or every kind when the poll interval passed.
    /// </summary>
    private async Task<IReadOnlyList<string>> NextRoundAsync(CancellationToken stoppingToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        poll.CancelAfter(options.PollInterval);
        var noticed = true;
        try
        {
            await _noticed.Reader.ReadAsync(poll.Token);
            await Task.Delay(options.NoticeDelay, stoppingToken);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            noticed = false;
        }

        lock (_gate)
        {
            var kinds = noticed ? KnowledgeKinds.All.Where(_noticedKinds.Contains).ToList() : KnowledgeKinds.All;
            _noticedKinds.Clear();
            return kinds;
        }
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken) =>
        _notices = await cluster.SubscribeToFeedAsync(MistyStreams.Knowledge, (notice, _) =>
        {
            if (notice is KnowledgeSourceChanged changed)
            {
                lock (_gate)
                {
                    _noticedKinds.Add(changed.Kind);
                }

                _noticed.Writer.TryWrite(true);
            }

            return Task.CompletedTask;
        }, logger, stoppingToken);

    private async Task ProduceAsync(IReadOnlyList<string> kinds, CancellationToken cancellationToken)
    {
        foreach (var kind in kinds)
        {
            foreach (var source in await index.Store.PendingAsync(kind, QueueCapacity, cancellationToken))
            {
                lock (_gate)
                {
                    if (!_queued.Add(source.Source))
                    {
                        continue;
                    }
                }

                await _queue.Writer.WriteAsync(source, cancellationToken);
            }
        }
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingSource>(options.BatchSize);
        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            while (batch.Count < options.BatchSize && _queue.Reader.TryRead(out var source))
            {
                batch.Add(source);
            }

            try
            {
                await index.IndexAsync(batch, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Left stale in the ledger: the next poll offers the items again.
                LogIndexFailed(exception, batch.Count);
            }
            finally
            {
                lock (_gate)
                {
                    _queued.ExceptWith(batch.Select(source => source.Source));
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge index loaded: {Sources} items, {Chunks} chunk vectors in memory.")]
    private partial void LogLoaded(int sources, int chunks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Items} knowledge items hold vectors of other embedding models and are found by their words only: run the reindex verb once.")]
    private partial void LogMismatched(int items);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsubscribing from the knowledge notices failed.")]
    private partial void LogUnsubscribeFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge catch-up failed; it retries at the next poll.")]
    private partial void LogPollFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indexing {Count} knowledge items failed; they are retried at the next poll.")]
    private partial void LogIndexFailed(Exception exception, int count);
}
