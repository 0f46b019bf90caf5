using Misty.Grains.Audit;
using Misty.Grains.Insights;
using Misty.Web.Catalog;
using Npgsql;

namespace Misty.Web.Insights;

/// <summary>
/// Accepting, dismissing and scheduling an insight, for the API and the agent tools alike: accepting a pricing insight
/// sets the album's price through the catalogue in the same transaction, and both changes are audited.
/// </summary>
public sealed class InsightDecisions(InsightStore store, IAuditLog audit, TimeProvider clock)
{
    public async Task<Decision> DecideAsync(Guid recommendationId, string status, DateOnly? scheduledFor, string actor,
        IReadOnlyDictionary<string, object?>? auditDetails, CancellationToken cancellationToken)
    {
        var priceBefore = default(decimal?);
        async Task<string?> SetPriceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, InsightRow row)
        {
            if (row.Type != InsightTypes.Pricing)
            {
                return null;
            }

            if (row.EntityId is not { } albumId || row.SuggestedPrice() is not { } price)
            {
                return "The insight names no album and price to set.";
            }

            priceBefore = await AlbumCatalog.ChangePriceAsync(connection, transaction, albumId, price, cancellationToken);
            return priceBefore is null ? $"Album {albumId} is no longer in the catalogue." : null;
        }

        var apply = status == InsightStatuses.Accepted ? new Func<NpgsqlConnection, NpgsqlTransaction, InsightRow, Task<string?>>(SetPriceAsync) : null;
        var decision = await store.DecideAsync(recommendationId, status, scheduledFor, actor, clock.GetUtcNow(), apply, cancellationToken);
        if (decision is not { Result: DecisionResult.Decided, Row: { } row })
        {
            return decision;
        }

        var details = new Dictionary<string, object?>(auditDetails ?? new Dictionary<string, object?>())
        {
            ["recommendationId"] = row.RecommendationId,
            ["type"] = row.Type,
            ["entityId"] = row.EntityId,
            ["scheduledFor"] = row.ScheduledFor?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        await audit.RecordAsync(new AuditEntry($"insights.{status}", actor, $"{Capitalised(row.Type)} insight {status}: {row.Recommendation}") { Details = details });
        if (priceBefore is { } before && row.SuggestedPrice() is { } after)
        {
            await audit.RecordAsync(new AuditEntry("albums.price_changed", actor, $"Price of {row.Subject} changed from {before:0.00} to {after:0.00}.")
            {
                Details = new Dictionary<string, object?>(details) { ["albumId"] = row.EntityId, ["before"] = before, ["after"] = after },
            });
        }

        return decision;
    }

    private static string Capitalised(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];
}
