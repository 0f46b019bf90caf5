using Misty.Grains.Infrastructure;
using Orleans.Streams;

namespace Misty.Web.Webhooks;

/// <summary>
/// Follows the all-entities feeds of the streams webhooks carry and queues each event durably for the subscribers that
/// want it; every node does, and the queue keeps one delivery per subscriber and event. The subscriber list is
/// re-read every few seconds, so a new subscriber gets events from then on.
/// </summary>
public sealed class WebhookFeed(IClusterClient cluster, WebhookStore store, ILogger<WebhookFeed> logger) : BackgroundService
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private volatile IReadOnlyList<WebhookSubscriber> _subscribers = [];
    private readonly List<StreamSubscriptionHandle<object>> _handles = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RefreshAsync(stoppingToken);
        foreach (var streamNamespace in WebhookEvents.Namespaces.Values.Distinct(StringComparer.Ordinal))
        {
            var handle = await cluster.SubscribeToFeedAsync(streamNamespace, (item, _) => OnEventAsync(item, stoppingToken), logger, stoppingToken);
            lock (_handles)
            {
                _handles.Add(handle);
            }
        }

        using var timer = new PeriodicTimer(RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(tick => !tick.IsCanceled && tick.Result, CancellationToken.None))
        {
            await RefreshAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The subscribing loop ends first; a copy is taken besides, since a stop that times out may leave it running.
        await base.StopAsync(cancellationToken);
        StreamSubscriptionHandle<object>[] handles;
        lock (_handles)
        {
            handles = [.. _handles];
        }

        foreach (var handle in handles)
        {
            try
            {
                await handle.UnsubscribeAsync();
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Unsubscribing a webhook feed failed while stopping.");
            }
        }
    }

    /// <summary>Re-reads the enabled subscribers now (the API calls it after a change, so a new one misses nothing on this node).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            _subscribers = await store.ListAsync(enabledOnly: true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Reading the webhook subscribers failed; keeping the last list.");
        }
    }

    private async Task OnEventAsync(object item, CancellationToken cancellationToken)
    {
        var subscribers = _subscribers;
        if (subscribers.Count == 0 || WebhookEvents.From(item) is not { } webhookEvent)
        {
            return;
        }

        var wanting = subscribers.Where(subscriber => subscriber.Events.Contains(webhookEvent.Type)).Select(subscriber => subscriber.SubscriberId).ToList();
        if (wanting.Count == 0)
        {
            return;
        }

        try
        {
            await store.EnqueueAsync(webhookEvent, wanting, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Other nodes queue the same event; a subscriber that misses it sees the gap in versions.
            logger.LogWarning(ex, "Queueing {Type} v{Version} of {Entity} for webhooks failed.", webhookEvent.Type, webhookEvent.Version, webhookEvent.EntityId);
        }
    }
}
