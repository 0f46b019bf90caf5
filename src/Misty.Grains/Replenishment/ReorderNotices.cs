using Microsoft.Extensions.Logging;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Replenishment;

namespace Misty.Grains.Replenishment;

/// <summary>Publishes reorder line changes on the replenishment feed, after the change is committed.</summary>
public sealed class ReorderNotices(IClusterClient cluster, ILogger<ReorderNotices> logger)
{
    public async Task PublishAsync(object change)
    {
        try
        {
            await cluster.GetStreamProvider(MistyStreams.Provider)
                .GetStream<object>(StreamId.Create(MistyStreams.Replenishment, MistyStreams.AllKey))
                .OnNextAsync(change);
        }
        catch (Exception ex)
        {
            // The row is committed and listed; a missed live notice only delays the dashboard until its next snapshot.
            logger.LogWarning(ex, "A reorder notice ({Type}) was not published.", change.GetType().Name);
        }
    }
}
