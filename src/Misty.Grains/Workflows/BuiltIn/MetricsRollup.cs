using Npgsql;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Recomputes days of sales_metrics (with each day's customers and albums in sales_metrics_customers and
/// sales_metrics_albums) and one day of inventory_metrics. Each statement upserts the days' rows on their unique keys and deletes the days' rows that no
/// longer have figures, in one go, so a rerun leaves the same rows. Days are UTC days, as on the dashboards.
/// </summary>
public sealed class MetricsRollup(NpgsqlDataSource database)
{
    // Per day: one row per channel and genre, per channel (genre_id null), per genre (channel 'all') and the whole day,
    // which every day of the range gets even when nothing was sold. Albums without a genre count only in the
    // all-genres rows. Revenue is the order lines' totals (without tax and shipping), so genres add up to the day. A
    // customer is new on the day of their first order that was not cancelled.
    private const string SalesSql = """
        WITH lines AS (
            SELECT (o.order_date AT TIME ZONE 'UTC')::date AS day, o.order_id, o.customer_id, o.channel, a.genre_id, oi.album_id, oi.quantity, oi.total
            FROM orders o
            JOIN order_items oi ON oi.order_id = o.order_id
            JOIN albums a ON a.album_id = oi.album_id
            WHERE o.order_date >= @range_start AND o.order_date < @range_end AND o.status <> 'cancelled'
        ), firsts AS (
            SELECT customer_id, (min(order_date) AT TIME ZONE 'UTC')::date AS first_day FROM orders
            WHERE status <> 'cancelled' AND customer_id IN (SELECT customer_id FROM lines)
            GROUP BY customer_id
        ), grouped AS (
            SELECT l.day, (CASE WHEN grouping(l.channel) = 1 THEN 'all' ELSE l.channel::text END)::metrics_channel AS channel,
                   l.genre_id, grouping(l.genre_id) = 1 AS all_genres,
                   sum(l.total) AS revenue, sum(l.quantity)::int AS units,
                   count(DISTINCT l.order_id)::int AS orders, count(DISTINCT l.customer_id)::int AS customers,
                   count(DISTINCT l.customer_id) FILTER (WHERE f.first_day = l.day)::int AS new_customers
            FROM lines l JOIN firsts f ON f.customer_id = l.customer_id
            GROUP BY GROUPING SETS ((l.day, l.channel, l.genre_id), (l.day, l.channel), (l.day, l.genre_id), (l.day))
        ), day_rows AS (
            SELECT * FROM grouped WHERE all_genres OR genre_id IS NOT NULL
            UNION ALL
            SELECT quiet.at::date, 'all', NULL, true, 0, 0, 0, 0, 0
            FROM generate_series(@first_day::timestamp, @last_day::timestamp, interval '1 day') AS quiet(at)
            WHERE NOT EXISTS (SELECT 1 FROM lines l WHERE l.day = quiet.at::date)
        ), stale AS (
            DELETE FROM sales_metrics m
            WHERE m.metric_date BETWEEN @first_day AND @last_day
              AND NOT EXISTS (SELECT 1 FROM day_rows r
                              WHERE r.day = m.metric_date AND r.channel = m.channel AND r.genre_id IS NOT DISTINCT FROM m.genre_id)
        ), cleared AS (
            DELETE FROM sales_metrics_customers c WHERE c.metric_date BETWEEN @first_day AND @last_day
        ), day_customers AS (
            INSERT INTO sales_metrics_customers (metric_date, channel, genre_id, customer_id, first_order_date)
            SELECT DISTINCT l.day, l.channel, l.genre_id, l.customer_id, f.first_day
            FROM lines l JOIN firsts f ON f.customer_id = l.customer_id
        ), cleared_albums AS (
            DELETE FROM sales_metrics_albums s WHERE s.metric_date BETWEEN @first_day AND @last_day
        ), day_albums AS (
            INSERT INTO sales_metrics_albums (metric_date, channel, album_id, units, revenue)
            SELECT day, channel, album_id, sum(quantity), sum(total) FROM lines GROUP BY day, channel, album_id
        )
        INSERT INTO sales_metrics (metric_date, channel, genre_id, revenue, units_sold, order_count, avg_order_value, customer_count, new_customers)
        SELECT day, channel, genre_id, revenue, units, orders, CASE WHEN orders > 0 THEN round(revenue / orders, 2) END, customers, new_customers
        FROM day_rows
        ON CONFLICT ON CONSTRAINT sales_metrics_day_channel_genre DO UPDATE SET
            revenue = excluded.revenue, units_sold = excluded.units_sold, order_count = excluded.order_count,
            avg_order_value = excluded.avg_order_value, customer_count = excluded.customer_count, new_customers = excluded.new_customers
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
                               AND t.created_at >= @range_end - interval '30 days' AND t.created_at < @range_end), 0) AS sold
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
            WHERE m.metric_date = @first_day AND m.album_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM day_rows r WHERE r.genre_id IS NOT DISTINCT FROM m.genre_id)
        )
        INSERT INTO inventory_metrics (metric_date, album_id, genre_id, total_skus, total_value, turnover_rate, low_stock_count,
                                       out_of_stock_count, overstock_count)
        SELECT @first_day, NULL, genre_id, skus, stock_value, turnover, low, out_of_stock, overstock
        FROM day_rows
        ON CONFLICT ON CONSTRAINT inventory_metrics_day_scope DO UPDATE SET
            total_skus = excluded.total_skus, total_value = excluded.total_value, turnover_rate = excluded.turnover_rate,
            low_stock_count = excluded.low_stock_count, out_of_stock_count = excluded.out_of_stock_count,
            overstock_count = excluded.overstock_count
        """;

    /// <returns>How many sales_metrics rows the day has.</returns>
    public Task<int> RollUpSalesAsync(DateOnly day, CancellationToken cancellationToken) => RollUpSalesAsync(day, day, cancellationToken);

    /// <returns>How many sales_metrics rows the days from <paramref name="first"/> to <paramref name="last"/> have.</returns>
    public async Task<int> RollUpSalesAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(SalesSql);
        return await ExecuteAsync(command, first, last, cancellationToken);
    }

    /// <returns>How many inventory_metrics rows (store and genres) the day has.</returns>
    public async Task<int> RollUpInventoryAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(InventorySql);
        return await ExecuteAsync(command, day, day, cancellationToken);
    }

    /// <summary>
    /// Rolls up a loaded history inside the loader's transaction: the sales of every day from <paramref name="first"/>
    /// to <paramref name="last"/>, and the stock as it stands for <paramref name="last"/>.
    /// </summary>
    public static async Task RollUpHistoryAsync(NpgsqlConnection connection, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await using (var sales = new NpgsqlCommand(SalesSql, connection))
        {
            await ExecuteAsync(sales, first, last, cancellationToken);
        }

        await using var inventory = new NpgsqlCommand(InventorySql, connection);
        await ExecuteAsync(inventory, last, last, cancellationToken);
    }

    private static Task<int> ExecuteAsync(NpgsqlCommand command, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(last.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1);
        command.Parameters.AddWithValue("first_day", first);
        command.Parameters.AddWithValue("last_day", last);
        command.Parameters.AddWithValue("range_start", start);
        command.Parameters.AddWithValue("range_end", end);
        return command.ExecuteNonQueryAsync(cancellationToken);
    }
}
