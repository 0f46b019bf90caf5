using Misty.Grains.Interfaces.Cases;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Reports;

public sealed record SalesFigures(decimal Revenue, int Units, int Orders, decimal AverageOrderValue, int NewCustomers, int ReturningCustomers);

public sealed record SalesPeriod(DateOnly Start, SalesFigures Figures);

public sealed record TopSeller(Guid AlbumId, string Title, string Artist, int Units, decimal Revenue);

public sealed record SalesReport(
    DateOnly From, DateOnly To, string GroupBy, string? Channel, string? Genre,
    IReadOnlyList<SalesPeriod> Periods, SalesFigures Totals, SalesFigures Previous, IReadOnlyList<TopSeller> TopSellers);

public sealed record InventoryGroup(string Genre, int Skus, int Units, decimal Value, decimal Turnover, int AverageDaysInStock, int Low, int Out, int Over);

public sealed record InventoryReport(DateOnly From, DateOnly To, IReadOnlyList<InventoryGroup> Genres, InventoryGroup Totals);

/// <summary>
/// Reports on the sales: revenue is the sum of line totals after discounts, before tax and shipping, of orders that were
/// not cancelled. A customer is new in the period of their first such order and returning in any later one. Whole days
/// the daily roll-up has reached are read from sales_metrics and sales_metrics_customers, the rest from the order rows
/// (<see cref="ReportDays"/>); both give the same figures.
/// </summary>
public sealed class SalesReports(NpgsqlDataSource database, TimeProvider clock)
{
    private const int TopSellerCount = 10;

    private const string RolledUpDays = """
        SELECT metric_date FROM sales_metrics
        WHERE channel = 'all' AND genre_id IS NULL AND order_count IS NOT NULL AND metric_date BETWEEN @first AND @last
        """;

    // The slice of a report (period, channel, genre) as days of sales and the customers who bought on each day.
    private const string Slice = """
        WITH genre AS (SELECT genre_id FROM genres WHERE lower(name) = lower(@genre)),
        raw_lines AS (
            SELECT (o.order_date AT TIME ZONE 'UTC')::date AS day, o.order_id, o.customer_id, oi.quantity, oi.total
            FROM unnest(@raw_starts, @raw_ends) AS r(starts, ends)
            JOIN orders o ON o.order_date >= greatest(r.starts, @range_start) AND o.order_date < least(r.ends, @range_end)
            JOIN order_items oi ON oi.order_id = o.order_id
            JOIN albums a ON a.album_id = oi.album_id
            WHERE o.status <> 'cancelled'
              AND (@channel::text IS NULL OR o.channel = @channel::sales_channel)
              AND (@genre::text IS NULL OR a.genre_id IN (SELECT genre_id FROM genre))
        ), days AS (
            SELECT m.metric_date AS day, m.revenue, m.units_sold AS units, m.order_count AS orders
            FROM sales_metrics m
            WHERE m.metric_date BETWEEN @from_day AND @to_day 
              AND NOT EXISTS (SELECT 1 FROM unnest(@raw_firsts, @raw_lasts) AS raw(f, l) WHERE m.metric_date BETWEEN raw.f AND raw.l)
              AND m.channel = coalesce(@channel::text, 'all')::metrics_channel
              AND CASE WHEN @genre::text IS NULL THEN m.genre_id IS NULL ELSE m.genre_id IN (SELECT genre_id FROM genre) END
            UNION ALL
            SELECT day, sum(total), sum(quantity)::int, count(DISTINCT order_id)::int FROM raw_lines GROUP BY day
        ), buyers AS (
            SELECT c.metric_date AS day, c.customer_id, c.first_order_date AS first_day
            FROM sales_metrics_customers c
            WHERE c.metric_date BETWEEN @from_day AND @to_day 
              AND NOT EXISTS (SELECT 1 FROM unnest(@raw_firsts, @raw_lasts) AS raw(f, l) WHERE c.metric_date BETWEEN raw.f AND raw.l)
              AND (@channel::text IS NULL OR c.channel = @channel::sales_channel)
              AND (@genre::text IS NULL OR c.genre_id IN (SELECT genre_id FROM genre))
            UNION ALL
            SELECT l.day, l.customer_id,
                   (SELECT (min(f.order_date) AT TIME ZONE 'UTC')::date FROM orders f WHERE f.customer_id = l.customer_id AND f.status <> 'cancelled')
            FROM (SELECT DISTINCT day, customer_id FROM raw_lines) l
        )
        """;

    private const string Figures = Slice + """
        , sales AS (
            SELECT date_trunc(@unit, day::timestamp)::date AS period, sum(revenue) AS revenue, sum(units)::int AS units, sum(orders)::int AS orders
            FROM days GROUP BY 1
        ), people AS (
            SELECT period, count(*)::int AS customers, count(*) FILTER (WHERE is_new)::int AS new_customers
            FROM (SELECT date_trunc(@unit, day::timestamp)::date AS period, customer_id,
                         bool_or(first_day >= date_trunc(@unit, day::timestamp)::date) AS is_new
                  FROM buyers GROUP BY 1, 2) per_customer
            GROUP BY period
        )
        SELECT s.period, s.revenue, s.units, s.orders, coalesce(p.customers, 0), coalesce(p.new_customers, 0)
        FROM sales s LEFT JOIN people p ON p.period = s.period
        WHERE s.orders > 0
        ORDER BY s.period
        """;

    private const string Totals = Slice + """
        SELECT coalesce(d.revenue, 0), coalesce(d.units, 0)::int, coalesce(d.orders, 0)::int, p.customers, p.new_customers
        FROM (SELECT sum(revenue) AS revenue, sum(units) AS units, sum(orders) AS orders FROM days) d,
             (SELECT count(*)::int AS customers, count(*) FILTER (WHERE is_new)::int AS new_customers
              FROM (SELECT customer_id, bool_or(first_day >= @from_day) AS is_new FROM buyers GROUP BY customer_id) per_customer) p
        """;

    private static readonly string Top = $"""
        WITH genre AS (SELECT genre_id FROM genres WHERE lower(name) = lower(@genre)),
        sold AS (
            SELECT s.album_id, s.units, s.revenue FROM sales_metrics_albums s
            WHERE s.metric_date BETWEEN @from_day AND @to_day 
              AND NOT EXISTS (SELECT 1 FROM unnest(@raw_firsts, @raw_lasts) AS raw(f, l) WHERE s.metric_date BETWEEN raw.f AND raw.l)
              AND (@channel::text IS NULL OR s.channel = @channel::sales_channel)
            UNION ALL
            SELECT oi.album_id, oi.quantity, oi.total
            FROM unnest(@raw_starts, @raw_ends) AS r(starts, ends)
            JOIN orders o ON o.order_date >= greatest(r.starts, @range_start) AND o.order_date < least(r.ends, @range_end)
            JOIN order_items oi ON oi.order_id = o.order_id
            WHERE o.status <> 'cancelled' AND (@channel::text IS NULL OR o.channel = @channel::sales_channel)
        )
        SELECT a.album_id, a.title, a.artist, sum(s.units)::int AS units, sum(s.revenue) AS revenue
        FROM sold s JOIN albums a ON a.album_id = s.album_id
        WHERE @genre::text IS NULL OR a.genre_id IN (SELECT genre_id FROM genre)
        GROUP BY a.album_id
        ORDER BY units DESC, revenue DESC, a.title
        LIMIT {TopSellerCount}
        """;

    private const string Stock = """
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

    // Units sold per genre over the period; the roll-up has no row for albums without a genre: its days' totals less
    // their genres.
    private const string GenreUnits = """
        WITH rolled AS (
            SELECT m.genre_id, m.units_sold FROM sales_metrics m
            WHERE m.channel = 'all' AND m.metric_date BETWEEN @from_day AND @to_day 
              AND NOT EXISTS (SELECT 1 FROM unnest(@raw_firsts, @raw_lasts) AS raw(f, l) WHERE m.metric_date BETWEEN raw.f AND raw.l)
        ), units AS (
            SELECT genre_id, units_sold AS units FROM rolled WHERE genre_id IS NOT NULL
            UNION ALL
            SELECT NULL, CASE WHEN genre_id IS NULL THEN units_sold ELSE -units_sold END FROM rolled
            UNION ALL
            SELECT a.genre_id, oi.quantity
            FROM unnest(@raw_starts, @raw_ends) AS r(starts, ends)
            JOIN orders o ON o.order_date >= greatest(r.starts, @range_start) AND o.order_date < least(r.ends, @range_end)
            JOIN order_items oi ON oi.order_id = o.order_id
            JOIN albums a ON a.album_id = oi.album_id
            WHERE o.status <> 'cancelled'
        )
        SELECT coalesce(g.name, 'No genre'), sum(u.units)::int FROM units u LEFT JOIN genres g ON g.genre_id = u.genre_id GROUP BY 1
        """;

    public async Task<SalesReport> SalesAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        var days = await DaysAsync(query, cancellationToken);
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(BatchCommand(Figures, query, days, query.From, query.To));
        batch.BatchCommands.Add(BatchCommand(Totals, query, days, query.From, query.To));
        batch.BatchCommands.Add(BatchCommand(Totals, query, days, query.PreviousFrom, query.PreviousTo));
        batch.BatchCommands.Add(BatchCommand(Top, query, days, query.From, query.To));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        var periods = new List<SalesPeriod>();
        while (await reader.ReadAsync(cancellationToken))
        {
            periods.Add(new SalesPeriod(DateOnly.FromDateTime(reader.GetDateTime(0)),
                Of(reader.GetDecimal(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5))));
        }

        var totals = await ReadTotalsAsync(reader, cancellationToken);
        var previous = await ReadTotalsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var top = new List<TopSeller>();
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add(new TopSeller(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetDecimal(4)));
        }

        return new SalesReport(query.From, query.To, query.GroupName, query.Channel is { } channel ? SchemaNames.Of(channel) : null, query.Genre,
            periods, totals, previous, top);
    }

    /// <summary>The days of the report and of the previous period, split between the roll-up and the order rows.</summary>
    private async Task<ReportDays> DaysAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(RolledUpDays);
        command.Parameters.AddWithValue("first", query.PreviousFrom);
        command.Parameters.AddWithValue("last", query.To);
        var rolledUp = new HashSet<DateOnly>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rolledUp.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }

        return ReportDays.Split(query.PreviousFrom, query.To, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), rolledUp);
    }

    /// <summary>
    /// Stock as it stands, per genre, with turnover over the period: units of the genre sold in it per unit on hand (from
    /// the roll-up's genre rows where it reaches).
    /// </summary>
    public async Task<InventoryReport> InventoryAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        var days = await DaysAsync(query, cancellationToken);
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(BatchCommand(Stock, query, days, query.From, query.To));
        batch.BatchCommands.Add(BatchCommand(GenreUnits, query, days, query.From, query.To));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string Genre, int Skus, int Units, decimal Value, int Days, int Low, int Out, int Over)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            // ROLLUP's grand total has no genre, and comes last (it is there even with no stock rows).
            rows.Add((reader.IsDBNull(0) ? "All" : reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDecimal(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)));
        }

        await reader.NextResultAsync(cancellationToken);
        var sold = new Dictionary<string, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sold[reader.GetString(0)] = reader.GetInt32(1);
        }

        var genres = rows[..^1].Select(row => Group(row, sold.GetValueOrDefault(row.Genre))).ToList();
        var all = rows[^1];
        return new InventoryReport(query.From, query.To, genres, Group(all, genres.Sum(genre => sold.GetValueOrDefault(genre.Genre))));
    }

    private static InventoryGroup Group((string Genre, int Skus, int Units, decimal Value, int Days, int Low, int Out, int Over) row, int sold) =>
        new(row.Genre, row.Skus, row.Units, row.Value, decimal.Round((decimal)sold / Math.Max(row.Units, 1), 4), row.Days, row.Low, row.Out, row.Over);

    private static async Task<SalesFigures> ReadTotalsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Of(reader.GetDecimal(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
    }

    private static SalesFigures Of(decimal revenue, int units, int orders, int customers, int newCustomers) =>
        new(revenue, units, orders, orders == 0 ? 0 : decimal.Round(revenue / orders, 2, MidpointRounding.AwayFromZero),
            newCustomers, customers - newCustomers);

    private static NpgsqlBatchCommand BatchCommand(string sql, ReportQuery query, ReportDays days, DateOnly from, DateOnly to)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddParameters(command.Parameters, query, from, to);
        command.Parameters.AddWithValue("from_day", from);
        command.Parameters.AddWithValue("to_day", to);
        command.Parameters.Add(new NpgsqlParameter("raw_firsts", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = days.FromOrders.Select(run => run.First).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("raw_lasts", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = days.FromOrders.Select(run => run.Last).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("raw_starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = days.FromOrders.Select(run => Midnight(run.First)).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter("raw_ends", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = days.FromOrders.Select(run => Midnight(run.Last.AddDays(1))).ToArray(),
        });
        return command;
    }

    private static DateTime Midnight(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static void AddParameters(NpgsqlParameterCollection parameters, ReportQuery query, DateOnly from, DateOnly to)
    {
        parameters.AddWithValue("range_start", Midnight(from));
        parameters.AddWithValue("range_end", Midnight(to.AddDays(1)));
        parameters.AddWithValue("unit", query.GroupName);
        parameters.Add(new NpgsqlParameter("channel", NpgsqlDbType.Text) { Value = query.Channel is { } channel ? SchemaNames.Of(channel) : DBNull.Value });
        parameters.Add(new NpgsqlParameter("genre", NpgsqlDbType.Text) { Value = (object?)query.Genre ?? DBNull.Value });
    }
}
