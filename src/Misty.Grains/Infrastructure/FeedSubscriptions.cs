using Microsoft.Extensions.Logging;
using Misty.Grains.Interfaces;
using Orleans.Streams;

namespace Misty.Grains.Infrastructure;

/// <summary>
/// A node's subscription to a namespace's feed (its all-key stream), held as objects: one process holds a stream as one
/// type, and every node-wide follower (the dashboard's forwarder, webhooks, the knowledge index) takes the feed so.
/// </summary>
public static class FeedSubscriptions
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Subscribes the observer, retrying every second until the cluster accepts (while the silo is still joining).</summary>
    public static Task<StreamSubscriptionHandle<object>> SubscribeToFeedAsync(
        this IClusterClient cluster, string streamNamespace, IAsyncObserver<object> observer, ILogger logger, CancellationToken cancellationToken) =>
        SubscribeAsync(cluster, streamNamespace, stream => stream.SubscribeAsync(observer), logger, cancellationToken);

    /// <inheritdoc cref="SubscribeToFeedAsync(IClusterClient, string, IAsyncObserver{object}, ILogger, CancellationToken)"/>
    public static Task<StreamSubscriptionHandle<object>> SubscribeToFeedAsync(
        this IClusterClient cluster, string streamNamespace, Func<object, StreamSequenceToken?, Task> onNext, ILogger logger, CancellationToken cancellationToken) =>
        SubscribeAsync(cluster, streamNamespace, stream => stream.SubscribeAsync(onNext), logger, cancellationToken);

    private static async Task<StreamSubscriptionHandle<object>> SubscribeAsync(IClusterClient cluster, string streamNamespace,
        Func<IAsyncStream<object>, Task<StreamSubscriptionHandle<object>>> subscribe, ILogger logger, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await subscribe(cluster.GetStreamProvider(MistyStreams.Provider).GetStream<object>(StreamId.Create(streamNamespace, MistyStreams.AllKey)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Subscribing to the {Namespace} feed failed; retrying.", streamNamespace);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }
}
