namespace Misty.Web.Reports;

/// <summary>
/// The reports' SQL. Every text reads one slice (period, channel, genre) over the report's days and the previous period's:
/// whole days from the roll-up tables by runs of days (@rolled_firsts, @rolled_lasts), the rest
/// from the order rows by runs of time (@raw_starts, @raw_ends), so each table is read by index ranges and no row is
/// compared with a list of days.
/// </summary>
internal static class ReportSql
{
    // OFFSET 0 keeps the planner from flattening the subquery: it cannot see how few orders the runs hold (often today's
    // alone), and would read every order item to join them instead of each order's own.
    private const string RawOrders = """
        unnest(@raw_starts, @raw_ends) AS raw(starts, ends)
        CROSS JOIN LATERAL (
            SELECT o.order_id, o.customer_id, o.channel, o.order_date FROM orders o
            WHERE o.order_date >= raw.starts AND o.order_date < raw.ends AND o.status <> 'cancelled'
            OFFSET 0) o
        """;

    private const string Slice = $"""
        WITH genre AS (SELECT genre_id FROM genres WHERE lower(name) = lower(@genre)),
        rolled AS (SELECT f, l FROM unnest(@rolled_firsts, @rolled_lasts) AS r(f, l)),
        raw_lines AS (
            SELECT (o.order_date AT TIME ZONE 'UTC')::date AS day, o.order_id, o.customer_id, oi.album_id, oi.quantity, oi.total
            FROM {RawOrders}
            JOIN order_items oi ON oi.order_id = o.order_id
            JOIN albums a ON a.album_id = oi.album_id
            WHERE (@channel::text IS NULL OR o.channel = @channel::sales_channel)
              AND (@genre::text IS NULL OR a.genre_id IN (SELECT genre_id FROM genre))
        )
        """;

    /// <summary>Revenue, units and orders per period of the report, then the totals of the report and of the previous period.</summary>
    public const string Sales = Slice + """
        , days AS (
            SELECT m.metric_date AS day, m.revenue, m.units_sold AS units, m.order_count AS orders
            FROM rolled JOIN sales_metrics m ON m.metric_date BETWEEN rolled.f AND rolled.l
            WHERE m.channel = coalesce(@channel::text, 'all')::metrics_channel
              AND CASE WHEN @genre::text IS NULL THEN m.genre_id IS NULL ELSE m.genre_id IN (SELECT genre_id FROM genre) END
            UNION ALL
            SELECT day, sum(total), sum(quantity)::int, count(DISTINCT order_id)::int FROM raw_lines GROUP BY day
        ), dated AS (
            SELECT day >= @from_day AS current, date_trunc(@unit, day::timestamp)::date AS period, revenue, units, orders FROM days
        )
        SELECT current, GROUPING(period) = 1 AS total, period, coalesce(sum(revenue), 0), coalesce(sum(units), 0)::int, coalesce(sum(orders), 0)::int
        FROM dated
        GROUP BY GROUPING SETS ((current, period), (current))
        HAVING current OR GROUPING(period) = 1
        """;

    // The customers who bought on each day of @span_first to @span_last (the report or the previous period), with the day of
    // their first order: a customer is new in the period of their first order.
    private const string Buyers = Slice + """
        , buyers AS (
            SELECT c.metric_date AS day, c.customer_id, c.first_order_date AS first_day
            FROM rolled JOIN sales_metrics_customers c ON c.metric_date BETWEEN greatest(rolled.f, @span_first) AND least(rolled.l, @span_last)
            WHERE (@channel::text IS NULL OR c.channel = @channel::sales_channel)
              AND (@genre::text IS NULL OR c.genre_id IN (SELECT genre_id FROM genre))
            UNION ALL
            SELECT l.day, l.customer_id,
                   (SELECT (min(f.order_date) AT TIME ZONE 'UTC')::date FROM orders f WHERE f.customer_id = l.customer_id AND f.status <> 'cancelled')
            FROM (SELECT DISTINCT day, customer_id FROM raw_lines WHERE day BETWEEN @span_first AND @span_last) l
        )
        """;

    /// <summary>Customers and new customers per period of the span, each counted once however often they bought in it.</summary>
    public const string CustomersPerPeriod = Buyers + """
        SELECT period, count(*)::int, count(*) FILTER (WHERE first_day >= period)::int
        FROM (SELECT date_trunc(@unit, day::timestamp)::date AS period, customer_id, max(first_day) AS first_day FROM buyers GROUP BY 1, 2) per_period
        GROUP BY period
        """;

    /// <summary>Customers and new customers in the whole span.</summary>
    public const string CustomersInSpan = Buyers + """
        SELECT NULL::date, count(*)::int, count(*) FILTER (WHERE first_day >= @span_first)::int
        FROM (SELECT customer_id, max(first_day) AS first_day FROM buyers GROUP BY 1) per_customer
        """;

    /// <summary>The report's best sellers by units, summed per album before the album rows are joined.</summary>
    public const string Top = Slice + """
        , sold AS (
            SELECT s.album_id, s.units, s.revenue
            FROM rolled JOIN sales_metrics_albums s ON s.metric_date BETWEEN greatest(rolled.f, @from_day) AND rolled.l
            WHERE @channel::text IS NULL OR s.channel = @channel::sales_channel
            UNION ALL
            SELECT album_id, quantity, total FROM raw_lines WHERE day >= @from_day
        ), per_album AS (
            SELECT album_id, sum(units)::int AS units, sum(revenue) AS revenue FROM sold GROUP BY album_id
        )
        SELECT a.album_id, a.title, a.artist, p.units, p.revenue
        FROM per_album p JOIN albums a ON a.album_id = p.album_id
        WHERE @genre::text IS NULL OR a.genre_id IN (SELECT genre_id FROM genre)
        ORDER BY p.units DESC, p.revenue DESC, a.title
        LIMIT @top
        """;

    /// <summary>Stock as it stands per genre (then all genres: ROLLUP's row, last).</summary>
    public const string Stock = """
        SELECT coalesce(g.name, 'No genre') AS genre, count(*)::int, coalesce(sum(i.quantity), 0)::int,
               coalesce(sum(i.quantity * coalesce(a.cost, a.price)), 0),
               coalesce(avg(i.days_in_stock), 0)::int,
               count(*) FILTER (WHERE i.quantity - i.reserved_quantity > 0 AND i.quantity - i.reserved_quantity <= i.reorder_point)::int,
               count(*) FILTER (WHERE i.quantity - i.reserved_quantity <= 0)::int,
               count(*) FILTER (WHERE i.optimal_stock_level > 0 AND i.quantity > i.optimal_stock_level * 1.5)::int
        FROM inventory i
        JOIN albums a ON a.album_id = i.album_id AND a.deleted_at IS NULL
        LEFT JOIN genres g ON g.genre_id = a.genre_id
        WHERE (@genre::text IS NULL OR lower(g.name) = lower(@genre))
        GROUP BY ROLLUP (coalesce(g.name, 'No genre'))
        ORDER BY GROUPING(coalesce(g.name, 'No genre')), 1
        """;

    /// <summary>
    /// Units sold per genre over the report (every channel); the roll-up has no row for albums without a genre: its days'
    /// totals less their genres.
    /// </summary>
    public const string GenreUnits = $"""
        WITH rolled_units AS (
            SELECT m.genre_id, m.units_sold
            FROM unnest(@rolled_firsts, @rolled_lasts) AS r(f, l)
            JOIN sales_metrics m ON m.metric_date BETWEEN greatest(r.f, @from_day) AND r.l
            WHERE m.channel = 'all'
        ), units AS (
            SELECT genre_id, units_sold AS units FROM rolled_units WHERE genre_id IS NOT NULL
            UNION ALL
            SELECT NULL, CASE WHEN genre_id IS NULL THEN units_sold ELSE -units_sold END FROM rolled_units
            UNION ALL
            SELECT a.genre_id, oi.quantity
            FROM {RawOrders}
            JOIN order_items oi ON oi.order_id = o.order_id
            JOIN albums a ON a.album_id = oi.album_id
            WHERE o.order_date >= @range_start
        )
        SELECT coalesce(g.name, 'No genre'), sum(u.units)::int FROM units u LEFT JOIN genres g ON g.genre_id = u.genre_id GROUP BY 1
        """;
}
