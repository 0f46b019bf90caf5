using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Orleans.Streams;

namespace Misty.Web.Dashboard;

/// <summary>
/// This node's subscriptions to the Orleans streams: every registered namespace's all-key feed for the whole life of
/// the node, and each entity's stream (an album, a case) only while at least one local client follows it, so a node
/// receives no event that none of its clients wants.
/// </summary>
public sealed class StreamSubscriptions(IClusterClient cluster, DashboardEventMap events, DashboardOutbox outbox, ILogger<StreamSubscriptions> logger)
{
    /// <summary>Far more than a page shows; a bound on what one connection can make this node hold.</summary>
    public const int MaxFollowedPerConnection = 1_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Namespace, Guid Key), EntityStream> _entities = [];
    private readonly Dictionary<string, HashSet<(string Namespace, Guid Key)>> _byConnection = new(StringComparer.Ordinal);
    private readonly List<StreamSubscriptionHandle<object>> _feeds = [];
    private readonly TaskCompletionSource _feedsReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the all-key feeds are subscribed: from then on no dashboard event passes this node by.</summary>
    public Task FeedsReady => _feedsReady.Task;

    /// <summary>How many entity streams this node is subscribed to.</summary>
    public int EntityStreamCount
    {
        get
        {
            lock (_lock)
            {
                return _entities.Values.Count(entity => entity.Handle is not null);
            }
        }
    }

    public static string GroupOf(string streamNamespace, Guid key) => $"{streamNamespace}:{key:D}";

    /// <summary>Subscribes to every registered namespace's all-key feed, retrying until the cluster accepts.</summary>
    public async Task SubscribeFeedsAsync(CancellationToken cancellationToken)
    {
        foreach (var streamNamespace in events.Namespaces)
        {
            _feeds.Add(await cluster.SubscribeToFeedAsync(streamNamespace,
                new ForwardingObserver(streamNamespace, OperationsHub.DashboardGroup, events, outbox, logger), logger, cancellationToken));
        }

        _feedsReady.TrySetResult();
    }

    /// <summary>Adds the connection to the entity's followers; the first follower on this node subscribes to its stream.</summary>
    /// <returns>False, and nothing changed, when the connection already follows <see cref="MaxFollowedPerConnection"/> entities.</returns>
    public async Task<bool> JoinAsync(string connectionId, string streamNamespace, Guid key)
    {
        var id = (streamNamespace, key);
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var followed) && followed.Count >= MaxFollowedPerConnection && !followed.Contains(id))
            {
                return false;
            }
        }

        var entity = Use(id);
        try
        {
            await entity.Gate.WaitAsync();
            try
            {
                entity.Handle ??= await Streams().GetStream<object>(StreamId.Create(streamNamespace, key))
                    .SubscribeAsync(new ForwardingObserver(streamNamespace, GroupOf(streamNamespace, key), events, outbox, logger));
                entity.Followers.Add(connectionId);
                lock (_lock)
                {
                    if (!_byConnection.TryGetValue(connectionId, out var followed))
                    {
                        _byConnection[connectionId] = followed = [];
                    }

                    followed.Add(id);
                }
            }
            finally
            {
                entity.Gate.Release();
            }
        }
        finally
        {
            Release(id, entity);
        }

        return true;
    }

    public async Task LeaveAsync(string connectionId, string streamNamespace, Guid key)
    {
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var followed))
            {
                followed.Remove((streamNamespace, key));
            }
        }

        await LeaveEntityAsync(connectionId, (streamNamespace, key));
    }

    /// <summary>For a connection that closed: it follows nothing any more.</summary>
    public async Task LeaveAllAsync(string connectionId)
    {
        HashSet<(string, Guid)>? followed;
        lock (_lock)
        {
            _byConnection.Remove(connectionId, out followed);
        }

        foreach (var id in followed ?? [])
        {
            await LeaveEntityAsync(connectionId, id);
        }
    }

    /// <summary>Ends every subscription of this node, as it shuts down.</summary>
    public async Task UnsubscribeAllAsync()
    {
        List<StreamSubscriptionHandle<object>> handles;
        lock (_lock)
        {
            handles = [.. _feeds, .. _entities.Values.Select(entity => entity.Handle).OfType<StreamSubscriptionHandle<object>>()];
            _feeds.Clear();
        }

        foreach (var handle in handles)
        {
            try
            {
                await handle.UnsubscribeAsync();
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Unsubscribing from {Stream} on shutdown failed.", handle.StreamId);
            }
        }
    }

    private async Task LeaveEntityAsync(string connectionId, (string Namespace, Guid Key) id)
    {
        EntityStream? entity;
        lock (_lock)
        {
            if (!_entities.TryGetValue(id, out entity))
            {
                return;
            }

            entity.Users++;
        }

        try
        {
            await entity.Gate.WaitAsync();
            try
            {
                if (entity.Followers.Remove(connectionId) && entity.Followers.Count == 0 && entity.Handle is { } handle)
                {
                    entity.Handle = null;
                    await handle.UnsubscribeAsync();
                }
            }
            catch (Exception ex)
            {
                // The stream may still deliver to this node for a while; with no followers, nobody is sent anything.
                logger.LogWarning(ex, "Unsubscribing from {Namespace}/{Key} failed.", id.Namespace, id.Key);
            }
            finally
            {
                entity.Gate.Release();
            }
        }
        finally
        {
            Release(id, entity);
        }
    }

    private EntityStream Use((string, Guid) id)
    {
        lock (_lock)
        {
            if (!_entities.TryGetValue(id, out var entity))
            {
                _entities[id] = entity = new EntityStream();
            }

            entity.Users++;
            return entity;
        }
    }

    /// <summary>Forgets an entity that nobody follows or is about to, so the table only holds followed entities.</summary>
    private void Release((string, Guid) id, EntityStream entity)
    {
        lock (_lock)
        {
            entity.Users--;
            if (entity.Users == 0 && entity.Followers.Count == 0 && entity.Handle is null)
            {
                _entities.Remove(id);
            }
        }
    }

    private IStreamProvider Streams() => cluster.GetStreamProvider(MistyStreams.Provider);

    /// <summary>One entity's stream on this node. Followers and Handle change only under Gate; Users only under the lock.</summary>
    private sealed class EntityStream
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public HashSet<string> Followers { get; } = new(StringComparer.Ordinal);

        public StreamSubscriptionHandle<object>? Handle { get; set; }

        public int Users { get; set; }
    }

    /// <summary>Hands each registered event to the outbox for one SignalR group; never waits.</summary>
    private sealed class ForwardingObserver(
        string streamNamespace, string group, DashboardEventMap events, DashboardOutbox outbox, ILogger logger) : IAsyncObserver<object>
    {
        public Task OnNextAsync(object item, StreamSequenceToken? token = null)
        {
            if (events.TryGetClientMethod(streamNamespace, item.GetType(), out var method))
            {
                outbox.Post(new OutgoingEvent(group, method, item));
            }

            return Task.CompletedTask;
        }

        public Task OnErrorAsync(Exception ex)
        {
            logger.LogWarning(ex, "The {Namespace} stream for dashboard group {Group} reported an error.", streamNamespace, group);
            return Task.CompletedTask;
        }

        public Task OnCompletedAsync() => Task.CompletedTask;
    }
}
