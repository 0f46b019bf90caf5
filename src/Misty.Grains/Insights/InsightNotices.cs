using Microsoft.Extensions.Logging;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Insights;

namespace Misty.Grains.Insights;

/// <summary>Publishes insight changes on the insights feed, after the change is committed.</summary>
public sealed class InsightNotices(IClusterClient cluster, ILogger<InsightNotices> logger)
{
    public async Task PublishAsync(InsightChanged change)
    {
        try
        {
            await cluster.GetStreamProvider(MistyStreams.Provider)
                .GetStream<object>(StreamId.Create(MistyStreams.Insights, MistyStreams.AllKey))
                .OnNextAsync(change);
        }
        catch (Exception ex)
        {
            // The row is committed and listed; a missed live notice only delays the dashboard until its next snapshot.
            logger.LogWarning(ex, "An insight notice for {RecommendationId} was not published.", change.RecommendationId);
        }
    }
}
