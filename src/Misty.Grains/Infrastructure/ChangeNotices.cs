using Microsoft.Extensions.Logging;
using Misty.Grains.Interfaces;

namespace Misty.Grains.Infrastructure;

/// <summary>
/// Publishes changes of rows on a feed (one stream namespace, key <see cref="MistyStreams.AllKey"/>) after the change is
/// committed. Each feed has its own subclass, so that each can be injected by type.
/// </summary>
public abstract class ChangeNotices(IClusterClient cluster, ILogger logger, string streamNamespace)
{
    public async Task PublishAsync(object change)
    {
        try
        {
            await cluster.GetStreamProvider(MistyStreams.Provider)
                .GetStream<object>(StreamId.Create(streamNamespace, MistyStreams.AllKey))
                .OnNextAsync(change);
        }
        catch (Exception ex)
        {
            // The row is committed and listed; a missed live notice only delays the dashboard until its next snapshot.
            logger.LogWarning(ex, "A {Feed} notice ({Change}) was not published.", streamNamespace, change);
        }
    }
}
