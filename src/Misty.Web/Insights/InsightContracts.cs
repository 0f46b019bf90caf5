using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Misty.Grains.Insights;

namespace Misty.Web.Insights;

/// <summary>An ai_recommendations row: a merchandising insight (pricing, promotion, customer) or a reorder line's explanation.</summary>
/// <param name="Subject">The album (title by artist) or the customer (name) it is about.</param>
/// <param name="Metadata">The numbers behind the insight: sales, views, stock, prices, the suggested change and its expected effect.</param>
public sealed record InsightResponse(
    Guid RecommendationId, string RecommendationType, Guid? EntityId, string? Subject, string Recommendation, string? Insight, int ConfidenceScore,
    string Impact, string Status, JsonElement Metadata, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateOnly? ScheduledFor,
    DateTimeOffset? DecidedAt, string? DecidedBy, DateTimeOffset UpdatedAt, long Version)
{
    public static InsightResponse From(InsightRow row)
    {
        using var metadata = JsonDocument.Parse(row.MetadataJson);
        return new(row.RecommendationId, row.Type, row.EntityId, row.Subject, row.Recommendation, row.Insight, row.ConfidenceScore, row.Impact,
            row.Status, metadata.RootElement.Clone(), row.CreatedAt, row.ExpiresAt, row.ScheduledFor, row.DecidedAt, row.DecidedBy, row.UpdatedAt,
            row.Version);
    }
}

public sealed record InsightPage(IReadOnlyList<InsightResponse> Items, int Page, int PageSize, long Total);

/// <param name="Type">pricing, promotion, customer or reorder.</param>
/// <param name="Status">pending, accepted, dismissed or scheduled.</param>
public sealed record InsightListParameters(
    [property: FromQuery(Name = "type")] string? Type,
    [property: FromQuery(Name = "status")] string? Status,
    [property: FromQuery(Name = "page")] string? Page,
    [property: FromQuery(Name = "pageSize")] string? PageSize);

/// <param name="Date">The day to act on it (yyyy-MM-dd), from today to a year ahead.</param>
public sealed record ScheduleInsightRequest(string? Date);
