namespace Misty.Grains.Interfaces.Insights;

/// <summary>
/// A merchandising insight (an ai_recommendations row) after a change: raised or refreshed by the nightly run, accepted,
/// dismissed, scheduled, or expired because its reason no longer holds. Published on <see cref="MistyStreams.Insights"/>;
/// <paramref name="Version"/> grows by one per change of the row. The insight is open while its status is pending and
/// <paramref name="ExpiresAt"/> is in the future.
/// </summary>
/// <param name="Type">An ai_recommendations.recommendation_type value: pricing, promotion or customer.</param>
/// <param name="Status">pending, accepted, dismissed or scheduled.</param>
/// <param name="Impact">high, medium or low.</param>
[GenerateSerializer, Immutable, Alias("Misty.InsightChanged")]
public sealed record InsightChanged(
    [property: Id(0)] Guid RecommendationId,
    [property: Id(1)] string Type,
    [property: Id(2)] Guid? EntityId,
    [property: Id(3)] string Status,
    [property: Id(4)] string Impact,
    [property: Id(5)] int ConfidenceScore,
    [property: Id(6)] string Recommendation,
    [property: Id(7)] string? Insight,
    [property: Id(8)] DateTimeOffset? ExpiresAt,
    [property: Id(9)] DateOnly? ScheduledFor,
    [property: Id(10)] long Version,
    [property: Id(11)] DateTimeOffset UpdatedAt);
