using Npgsql;

namespace Misty.Grains.Insights;

/// <summary>Reads what the insight rules look at from the relational rows, in a few set-based queries.</summary>
public sealed class InsightFactsReader(NpgsqlDataSource database)
{
    private const string AlbumsSql = """
        WITH sold AS (
            SELECT i.album_id,
                   sum(i.quantity) FILTER (WHERE o.order_date >= @d30)::int AS sold30,
                   sum(i.quantity) FILTER (WHERE o.order_date >= @d90)::int AS sold90,
                   max(o.order_date) AS last_sale
            FROM order_items i JOIN orders o ON o.order_id = i.order_id
            WHERE o.status <> 'cancelled' AND o.order_date <= @now
            GROUP BY i.album_id),
        viewed AS (
            SELECT album_id, count(*)::int AS views FROM customer_recommendations
            WHERE clicked AND updated_at >= @d90 GROUP BY album_id),
        forecast AS (
            SELECT album_id, sum(predicted_demand)::float8 AS demand FROM (
                SELECT DISTINCT ON (album_id, forecast_date) album_id, predicted_demand FROM demand_forecasts
                WHERE forecast_date > @today - 7 AND forecast_date <= @today + 21
                ORDER BY album_id, forecast_date, created_at DESC) weeks
            GROUP BY album_id)
        SELECT a.album_id, a.sku, a.title, a.artist, g.name, a.condition, a.is_rare, a.price, a.cost, a.estimated_value,
               coalesce(v.quantity, 0), coalesce(v.reserved_quantity, 0), coalesce(v.last_restock_date, a.created_at),
               coalesce(s.sold30, 0), coalesce(s.sold90, 0), s.last_sale, coalesce(w.views, 0), f.demand
        FROM albums a
        LEFT JOIN genres g ON g.genre_id = a.genre_id
        LEFT JOIN inventory v ON v.album_id = a.album_id
        LEFT JOIN sold s ON s.album_id = a.album_id
        LEFT JOIN viewed w ON w.album_id = a.album_id
        LEFT JOIN forecast f ON f.album_id = a.album_id
        WHERE a.deleted_at IS NULL
        """;

    private const string CustomersSql = """
        WITH segment AS (
            SELECT DISTINCT ON (customer_id) customer_id, segment_type::text AS segment_type FROM customer_segments
            ORDER BY customer_id, assigned_date DESC, created_at DESC),
        bought AS (
            SELECT customer_id, count(*)::int AS orders, min(order_date) AS first_order, max(order_date) AS last_order FROM orders
            WHERE status <> 'cancelled' AND order_date <= @now GROUP BY customer_id),
        candidate AS (
            SELECT c.customer_id, c.first_name || ' ' || c.last_name AS name, s.segment_type, c.lifetime_value, b.orders, b.first_order, b.last_order
            FROM customers c JOIN segment s ON s.customer_id = c.customer_id JOIN bought b ON b.customer_id = c.customer_id
            WHERE c.deleted_at IS NULL AND s.segment_type IN ('vip_collector', 'regular_enthusiast') AND b.last_order < @quietSince),
        top AS (
            SELECT DISTINCT ON (r.customer_id) r.customer_id, r.album_id, a.title, a.artist
            FROM customer_recommendations r JOIN candidate c ON c.customer_id = r.customer_id JOIN albums a ON a.album_id = r.album_id
            WHERE NOT r.purchased AND (r.expires_at IS NULL OR r.expires_at > @now)
            ORDER BY r.customer_id, r.recommendation_score DESC NULLS LAST, r.created_at DESC)
        SELECT c.customer_id, c.name, c.segment_type, c.lifetime_value, c.orders, c.first_order, c.last_order, t.album_id, t.title, t.artist
        FROM candidate c LEFT JOIN top t ON t.customer_id = c.customer_id
        """;

    public async Task<IReadOnlyList<AlbumFacts>> AlbumsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(AlbumsSql);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("d30", now.AddDays(-30));
        command.Parameters.AddWithValue("d90", now.AddDays(-90));
        command.Parameters.AddWithValue("today", DateOnly.FromDateTime(now.UtcDateTime));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var albums = new List<AlbumFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            albums.Add(new AlbumFacts(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetBoolean(6),
                reader.GetDecimal(7), reader.IsDBNull(8) ? null : reader.GetDecimal(8), reader.IsDBNull(9) ? null : reader.GetDecimal(9),
                reader.GetInt32(10), reader.GetInt32(11), reader.GetFieldValue<DateTimeOffset>(12), reader.GetInt32(13), reader.GetInt32(14),
                reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15), reader.GetInt32(16), reader.IsDBNull(17) ? null : reader.GetDouble(17)));
        }

        return albums;
    }

    /// <summary>VIPs and regulars whose last order is older than <paramref name="quietDays"/>, with their first suggestion.</summary>
    public async Task<IReadOnlyList<CustomerFacts>> QuietCustomersAsync(DateTimeOffset now, double quietDays, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(CustomersSql);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("quietSince", now.AddDays(-quietDays));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var customers = new List<CustomerFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            customers.Add(new CustomerFacts(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetDecimal(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetGuid(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return customers;
    }

    /// <summary>
    /// The offline check of the "not selling" signal the pricing and promotion rules lean on: of the albums stocked
    /// before the window and without a sale in the <paramref name="idleDays"/> up to 90 days ago, the share that then
    /// sold nothing in the 90 days that followed. Null when no album qualified.
    /// </summary>
    public async Task<(double Precision, int Albums)?> IdleSignalBacktestAsync(DateTimeOffset now, int idleDays, CancellationToken cancellationToken)
    {
        // One pass over the sales since the idle window opened, aggregated per album, rather than a lookup per album.
        await using var command = database.CreateCommand("""
            WITH sold AS (
                SELECT i.album_id, bool_or(o.order_date < @origin) AS sold_before, bool_or(o.order_date >= @origin) AS sold_after
                FROM order_items i JOIN orders o ON o.order_id = i.order_id
                WHERE o.status <> 'cancelled' AND o.order_date <= @now AND o.order_date >= @origin - make_interval(days => @idle)
                GROUP BY i.album_id),
            stocked AS (
                SELECT DISTINCT v.album_id FROM inventory_transactions t JOIN inventory v ON v.inventory_id = t.inventory_id
                WHERE t.created_at < @origin - make_interval(days => @idle)),
            flagged AS (
                SELECT coalesce(s.sold_after, false) AS sold_after
                FROM albums a JOIN stocked k ON k.album_id = a.album_id LEFT JOIN sold s ON s.album_id = a.album_id
                WHERE a.deleted_at IS NULL AND a.created_at < @origin - make_interval(days => @idle) AND NOT coalesce(s.sold_before, false))
            SELECT count(*)::int, count(*) FILTER (WHERE NOT sold_after)::int FROM flagged
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("origin", now.AddDays(-90));
        command.Parameters.AddWithValue("idle", idleDays);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (flagged, stayedIdle) = (reader.GetInt32(0), reader.GetInt32(1));
        return flagged == 0 ? null : ((double)stayedIdle / flagged, flagged);
    }
}
