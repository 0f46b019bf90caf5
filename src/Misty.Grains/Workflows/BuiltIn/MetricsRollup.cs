using Npgsql;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Recomputes one day of sales_metrics and inventory_metrics. Each statement upserts the day's rows on their unique
/// keys and deletes the day's rows that no longer have figures, in one go, so a rerun leaves the same rows.
/// Days are UTC days, as on the dashboards.
/// </summary>
public sealed class MetricsRollup(NpgsqlDataSource database)
{
    // One row per channel and genre, per channel (genre_id null), per genre (channel 'all') and for the whole day: the
    // empty grouping set yields the day's total row even when nothing was sold. Albums without a genre count only in
    // the all-genres rows. Revenue is the order lines' totals (without tax and shipping), so genres add up to the day.
    private const string SalesSql = """
        WITH lines AS (
            SELECT o.order_id, o.customer_id, o.channel, a.genre_id, oi.quantity, oi.total,
                   NOT EXISTS (SELECT 1 FROM orders earlier
                               WHERE earlier.customer_id = o.customer_id AND earlier.status <> 'cancelled' AND earlier.order_date < @day_start) AS first_time
            FROM orders o
            JOIN order_items oi ON oi.order_id = o.order_id
            JOIN albums a ON a.album_id = oi.album_id
            WHERE o.order_date >= @day_start AND o.order_date < @day_end AND o.status <> 'cancelled'
        ), grouped AS (
            SELECT (CASE WHEN grouping(channel) = 1 THEN 'all' ELSE channel::text END)::metrics_channel AS channel,
                   genre_id, grouping(genre_id) = 1 AS all_genres,
                   coalesce(sum(total), 0) AS revenue, coalesce(sum(quantity), 0)::int AS units,
                   count(DISTINCT order_id) AS orders, count(DISTINCT customer_id)::int AS customers,
                   count(DISTINCT customer_id) FILTER (WHERE first_time)::int AS new_customers
            FROM lines
            GROUP BY GROUPING SETS ((channel, genre_id), (channel), (genre_id), ())
        ), day_rows AS (
            SELECT * FROM grouped WHERE all_genres OR genre_id IS NOT NULL
        ), stale AS (
            DELETE FROM sales_metrics m
            WHERE m.metric_date = @day
              AND NOT EXISTS (SELECT 1 FROM day_rows r WHERE r.channel = m.channel AND r.genre_id IS NOT DISTINCT FROM m.genre_id)
        )
        INSERT INTO sales_metrics (metric_date, channel, genre_id, revenue, units_sold, avg_order_value, customer_count, new_customers)
        SELECT @day, channel, genre_id, revenue, units, CASE WHEN orders > 0 THEN round(revenue / orders, 2) END, customers, new_customers
        FROM day_rows
        ON CONFLICT ON CONSTRAINT sales_metrics_day_channel_genre DO UPDATE SET
            revenue = excluded.revenue, units_sold = excluded.units_sold, avg_order_value = excluded.avg_order_value,
            customer_count = excluded.customer_count, new_customers = excluded.new_customers
        """;

    // One row per genre (album_id null) and one for the whole store. Stock has no history, so the figures are the stock
    // as it is when the roll-up runs. Turnover: units sold in the 30 days up to the day's end over units on hand.
    // Low stock: some left but at or below the reorder point; out of stock: none available; overstock: above the
    // optimal stock level.
    private const string InventorySql = """
        WITH stock AS (
            SELECT a.genre_id, i.quantity, i.quantity - i.reserved_quantity AS available, i.reorder_point, i.optimal_stock_level,
                   coalesce(a.cost, 0) AS cost,
                   coalesce((SELECT -sum(t.quantity_change) FROM inventory_transactions t
                             WHERE t.inventory_id = i.inventory_id AND t.transaction_type = 'sale'
                               AND t.created_at >= @day_end - interval '30 days' AND t.created_at < @day_end), 0) AS sold
            FROM inventory i JOIN albums a ON a.album_id = i.album_id
            WHERE a.deleted_at IS NULL
        ), grouped AS (
            SELECT genre_id, grouping(genre_id) = 1 AS all_genres, count(*)::int AS skus,
                   coalesce(sum(quantity * cost), 0) AS stock_value,
                   CASE WHEN sum(quantity) > 0 THEN round(sum(sold)::numeric / sum(quantity), 4) END AS turnover,
                   count(*) FILTER (WHERE available > 0 AND available <= reorder_point)::int AS low,
                   count(*) FILTER (WHERE available <= 0)::int AS out_of_stock,
                   count(*) FILTER (WHERE optimal_stock_level > 0 AND quantity > optimal_stock_level)::int AS overstock
            FROM stock
            GROUP BY GROUPING SETS ((genre_id), ())
        ), day_rows AS (
            SELECT * FROM grouped WHERE all_genres OR genre_id IS NOT NULL
        ), stale AS (
            DELETE FROM inventory_metrics m
            WHERE m.metric_date = @day AND m.album_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM day_rows r WHERE r.genre_id IS NOT DISTINCT FROM m.genre_id)
        )
        INSERT INTO inventory_metrics (metric_date, album_id, genre_id, total_skus, total_value, turnover_rate, low_stock_count,
                                       out_of_stock_count, overstock_count)
        SELECT @day, NULL, genre_id, skus, stock_value, turnover, low, out_of_stock, overstock
        FROM day_rows
        ON CONFLICT ON CONSTRAINT inventory_metrics_day_scope DO UPDATE SET
            total_skus = excluded.total_skus, total_value = excluded.total_value, turnover_rate = excluded.turnover_rate,
            low_stock_count = excluded.low_stock_count, out_of_stock_count = excluded.out_of_stock_count,
            overstock_count = excluded.overstock_count
        """;

    /// <returns>How many sales_metrics rows the day has.</returns>
    public Task<int> RollUpSalesAsync(DateOnly day, CancellationToken cancellationToken) => ExecuteAsync(SalesSql, day, cancellationToken);

    /// <returns>How many inventory_metrics rows (store and genres) the day has.</returns>
    public Task<int> RollUpInventoryAsync(DateOnly day, CancellationToken cancellationToken) => ExecuteAsync(InventorySql, day, cancellationToken);

    private async Task<int> ExecuteAsync(string sql, DateOnly day, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("day_start", start);
        command.Parameters.AddWithValue("day_end", start.AddDays(1));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
