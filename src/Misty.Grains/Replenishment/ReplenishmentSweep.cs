using Npgsql;

namespace Misty.Grains.Replenishment;

/// <summary>
/// Reads every album's stock position and forecast from the projected rows in two queries: for the shop's stock price
/// (<see cref="ReplenishmentBudget"/>), and for the albums a nightly run must plan, so that only those are asked of
/// their inventory grains. The estimate is generous (the longest lead time and the lowest price of any supplier, no
/// minimum orders); the plan itself then decides from the grain's stock.
/// </summary>
public sealed class ReplenishmentSweep(NpgsqlDataSource database)
{
    private PricedDay? _lastPriced;

    private const string PositionsSql = """
        WITH on_order AS (
            SELECT album_id, sum(recommended_quantity - received_quantity) AS units FROM reorder_queue
            WHERE status IN ('pending', 'approved', 'ordered') GROUP BY album_id),
        quoted AS (
            SELECT p.album_id, max(coalesce(s.avg_delivery_days, 14) * (2 - coalesce(s.reliability_score, 90) / 100.0)) AS days,
                min(p.unit_price) AS unit_price
            FROM supplier_pricing p JOIN suppliers s ON s.supplier_id = p.supplier_id
            WHERE p.deleted_at IS NULL AND s.deleted_at IS NULL AND p.effective_from <= @today AND (p.effective_to IS NULL OR p.effective_to >= @today)
            GROUP BY p.album_id)
        SELECT a.album_id, i.quantity - i.reserved_quantity, coalesce(o.units, 0)::int, greatest(i.optimal_stock_level, i.reorder_point + 1),
            coalesce(ceil(q.days), @unknownLead)::int, coalesce(q.unit_price, a.cost, 0)
        FROM albums a JOIN inventory i ON i.album_id = a.album_id
        LEFT JOIN on_order o ON o.album_id = a.album_id LEFT JOIN quoted q ON q.album_id = a.album_id
        WHERE a.deleted_at IS NULL
        ORDER BY a.sku
        """;

    private const string ForecastsSql = """
        SELECT DISTINCT ON (album_id, forecast_date) album_id, predicted_demand, coalesce(upper_bound, predicted_demand), influencing_factors->'recentWeeks'
        FROM demand_forecasts WHERE forecast_date >= @from
        ORDER BY album_id, forecast_date, created_at DESC
        """;

    /// <returns>
    /// The albums whose stock and what is on order may fall short of the plan, how many albums were looked at, and the
    /// policy with today's stock price to plan them with.
    /// </returns>
    public async Task<(IReadOnlyList<Guid> Albums, int Reviewed, ReplenishmentPolicy Policy)> AlbumsToPlanAsync(
        DateOnly today, ReplenishmentPolicy policy, CancellationToken cancellationToken)
    {
        var positions = await PositionsAsync(today, cancellationToken);
        var priced = Priced(positions, policy);
        _lastPriced = new PricedDay(today, policy, priced);
        var albums = positions
            .Where(p => ReplenishmentPlanner.OrderUpTo(p.Album.Input, priced, p.Album.LeadDays, p.Album.UnitCost) > p.Album.Input.OnHand + p.Album.Input.OnOrder)
            .Select(p => p.AlbumId)
            .ToList();
        return (albums, positions.Count, priced);
    }

    /// <summary>
    /// The policy with the stock price every album's forecast sets today, so that an album planned on its own (a
    /// low-stock trigger) gets the level the nightly run would give it. The price depends on forecasts, lead times and
    /// costs, not on stock, so it is worked out once a day per node (or taken from today's run): a flash sale's low-stock
    /// triggers do not each read every album.
    /// </summary>
    public async Task<ReplenishmentPolicy> PricedAsync(DateOnly today, ReplenishmentPolicy policy, CancellationToken cancellationToken)
    {
        if (_lastPriced is { } last && last.Day == today && last.Policy == policy)
        {
            return last.Priced;
        }

        var priced = Priced(await PositionsAsync(today, cancellationToken), policy);
        _lastPriced = new PricedDay(today, policy, priced);
        return priced;
    }

    private static ReplenishmentPolicy Priced(IReadOnlyList<(Guid AlbumId, BudgetedAlbum Album)> positions, ReplenishmentPolicy policy) =>
        policy with { StockPrice = ReplenishmentBudget.StockPrice([.. positions.Select(p => p.Album)], policy) };

    private async Task<List<(Guid AlbumId, BudgetedAlbum Album)>> PositionsAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var forecasts = await ForecastsAsync(today, cancellationToken);
        await using var command = database.CreateCommand(PositionsSql);
        command.Parameters.AddWithValue("today", today);
        command.Parameters.AddWithValue("unknownLead", ReplenishmentPlanner.UnknownLeadDays);
        var positions = new List<(Guid, BudgetedAlbum)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var albumId = reader.GetGuid(0);
            var weeks = forecasts.GetValueOrDefault(albumId);
            (double[] Forecast, double[] Upper) planned = weeks is null
                ? ([], [])
                : ReplenishmentForecast.Demand([.. weeks.Weeks.Select(w => w.Demand)], [.. weeks.Weeks.Select(w => w.Upper)], weeks.Recent);
            var unitCost = reader.GetDecimal(5);
            var input = new ReplenishmentInput(Math.Max(0, reader.GetInt32(1)), 0, reader.GetInt32(2), planned.Forecast, planned.Upper, 0, [],
                reader.GetInt32(3), unitCost);
            positions.Add((albumId, new BudgetedAlbum(input, reader.GetInt32(4), unitCost)));
        }

        return positions;
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

    /// <summary>A day's price, replaced whole (one reference) so that concurrent triggers never see half of one.</summary>
    private sealed record PricedDay(DateOnly Day, ReplenishmentPolicy Policy, ReplenishmentPolicy Priced);
}
