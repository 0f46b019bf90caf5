using System.Globalization;
using Misty.Grains.Audit;
using Npgsql;

namespace Misty.Grains.Insights;

/// <summary>What applying the scheduled insights did: how many were due, applied, and refused (left scheduled).</summary>
public sealed record ScheduledRun(int Due, int Applied, IReadOnlyList<string> Refusals);

/// <summary>
/// Accepting, dismissing and scheduling an insight, for the API and the agent tools alike, and applying the scheduled
/// ones when their day comes (the nightly insights workflow): accepting a pricing insight sets the album's price through
/// the catalogue in the same transaction, and both changes are audited.
/// </summary>
public sealed class InsightDecisions(InsightStore store, IAuditLog audit, TimeProvider clock)
{
    /// <summary>The audit actor of an insight applied on its scheduled day; the manager who scheduled it is in the details.</summary>
    public const string ScheduleActor = "system";

    public Task<Decision> DecideAsync(Guid recommendationId, string status, DateOnly? scheduledFor, string actor,
        IReadOnlyDictionary<string, object?>? auditDetails, CancellationToken cancellationToken) =>
        DecideAsync(recommendationId, status, scheduledFor, actor, actor, auditDetails, null, cancellationToken);

    /// <summary>
    /// Applies, like an accept, every scheduled insight whose day is <paramref name="today"/> or before. One that cannot be
    /// applied (its album left the catalogue) stays scheduled, and its reason is returned.
    /// </summary>
    public async Task<ScheduledRun> ApplyDueAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var due = await store.DueScheduledAsync(today, cancellationToken);
        var (applied, refusals) = (0, new List<string>());
        foreach (var (recommendationId, scheduledBy) in due)
        {
            var details = new Dictionary<string, object?> { ["scheduledBy"] = scheduledBy, ["appliedOnSchedule"] = true };
            // The row keeps the manager who decided it; the audit says the system carried it out.
            var decision = await DecideAsync(recommendationId, InsightStatuses.Accepted, null, scheduledBy ?? ScheduleActor, ScheduleActor, details, today,
                cancellationToken);
            if (decision.Result == DecisionResult.Decided)
            {
                applied++;
            }
            else if (decision.Result == DecisionResult.Refused)
            {
                refusals.Add($"{recommendationId}: {decision.Reason}");
            }
        }

        return new ScheduledRun(due.Count, applied, refusals);
    }

    private async Task<Decision> DecideAsync(Guid recommendationId, string status, DateOnly? scheduledFor, string decidedBy, string actor,
        IReadOnlyDictionary<string, object?>? auditDetails, DateOnly? dueBy, CancellationToken cancellationToken)
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

            priceBefore = await CatalogPrices.ChangeAsync(connection, transaction, albumId, price, cancellationToken);
            return priceBefore is null ? $"Album {albumId} is no longer in the catalogue." : null;
        }

        var apply = status == InsightStatuses.Accepted ? new Func<NpgsqlConnection, NpgsqlTransaction, InsightRow, Task<string?>>(SetPriceAsync) : null;
        var decision = await store.DecideAsync(recommendationId, status, scheduledFor, decidedBy, clock.GetUtcNow(), apply, cancellationToken, dueBy);
        if (decision is not { Result: DecisionResult.Decided, Row: { } row })
        {
            return decision;
        }

        var details = new Dictionary<string, object?>(auditDetails ?? new Dictionary<string, object?>())
        {
            ["recommendationId"] = row.RecommendationId,
            ["type"] = row.Type,
            ["entityId"] = row.EntityId,
            ["scheduledFor"] = row.ScheduledFor?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        var onSchedule = dueBy is null ? "" : " on its scheduled day";
        await audit.RecordAsync(new AuditEntry($"insights.{status}", actor, $"{Capitalised(row.Type)} insight {status}{onSchedule}: {row.Recommendation}")
        {
            Details = details,
        });
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
