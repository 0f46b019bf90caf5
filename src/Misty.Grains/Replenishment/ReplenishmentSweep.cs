using Npgsql;

namespace Misty.Grains.Replenishment;

/// <summary>
/// Finds the albums a nightly run must plan, from the projected rows in two queries, so that only those are asked of
/// their inventory grains. The estimate is generous (the longest lead time of any supplier, no minimum orders); the
/// plan itself then decides from the grain's stock.
/// </summary>
public sealed class ReplenishmentSweep(NpgsqlDataSource database)
{
    private const string PositionsSql = """
        WITH on_order AS (
            SELECT album_id, sum(recommended_quantity - received_quantity) AS units FROM reorder_queue
            WHERE status IN ('pending', 'approved', 'ordered') GROUP BY album_id),
        lead AS (
            SELECT p.album_id, max(coalesce(s.avg_delivery_days, 14) * (2 - coalesce(s.reliability_score, 90) / 100.0)) AS days
            FROM supplier_pricing p JOIN suppliers s ON s.supplier_id = p.supplier_id
            WHERE p.deleted_at IS NULL AND s.deleted_at IS NULL AND p.effective_from <= @today AND (p.effective_to IS NULL OR p.effective_to >= @today)
            GROUP BY p.album_id)
        SELECT a.album_id, i.quantity - i.reserved_quantity, coalesce(o.units, 0)::int, greatest(i.optimal_stock_level, i.reorder_point + 1),
            coalesce(ceil(l.days), @unknownLead)::int
        FROM albums a JOIN inventory i ON i.album_id = a.album_id
        LEFT JOIN on_order o ON o.album_id = a.album_id LEFT JOIN lead l ON l.album_id = a.album_id
        WHERE a.deleted_at IS NULL
        ORDER BY a.sku
        """;

    private const string ForecastsSql = """
        SELECT DISTINCT ON (album_id, forecast_date) album_id, predicted_demand, coalesce(upper_bound, predicted_demand), influencing_factors->'recentWeeks'
        FROM demand_forecasts WHERE forecast_date >= @from
        ORDER BY album_id, forecast_date, created_at DESC
        """;

    /// <returns>The albums whose stock and what is on order may fall short of the plan, and how many albums were looked at.</returns>
    public async Task<(IReadOnlyList<Guid> Albums, int Reviewed)> AlbumsToPlanAsync(DateOnly today, ReplenishmentPolicy policy, CancellationToken cancellationToken)
    {
        var forecasts = await ForecastsAsync(today, cancellationToken);
        await using var command = database.CreateCommand(PositionsSql);
        command.Parameters.AddWithValue("today", today);
        command.Parameters.AddWithValue("unknownLead", ReplenishmentPlanner.UnknownLeadDays);
        var albums = new List<Guid>();
        var reviewed = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            reviewed++;
            var albumId = reader.GetGuid(0);
            var weeks = forecasts.GetValueOrDefault(albumId);
            (double[] Forecast, double[] Upper) planned = weeks is null
                ? ([], [])
                : ReplenishmentForecast.Demand([.. weeks.Weeks.Select(w => w.Demand)], [.. weeks.Weeks.Select(w => w.Upper)], weeks.Recent);
            var input = new ReplenishmentInput(Math.Max(0, reader.GetInt32(1)), 0, reader.GetInt32(2), planned.Forecast, planned.Upper, 0, [], reader.GetInt32(3));
            if (ReplenishmentPlanner.OrderUpTo(input, policy, reader.GetInt32(4)) > input.OnHand + input.OnOrder)
            {
                albums.Add(albumId);
            }
        }

        return (albums, reviewed);
    }

    private async Task<Dictionary<Guid, StoredWeeks>> ForecastsAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(ForecastsSql);
        command.Parameters.AddWithValue("from", today.AddDays(-6));
        var forecasts = new Dictionary<Guid, StoredWeeks>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var albumId = reader.GetGuid(0);
            if (!forecasts.TryGetValue(albumId, out var weeks))
            {
                forecasts[albumId] = weeks = new StoredWeeks([], ReplenishmentStore.RecentWeeks(reader.IsDBNull(3) ? null : reader.GetString(3)));
            }

            weeks.Weeks.Add((reader.GetInt32(1), reader.GetInt32(2)));
        }

        return forecasts;
    }

    private sealed record StoredWeeks(List<(double Demand, double Upper)> Weeks, double[] Recent);
}
