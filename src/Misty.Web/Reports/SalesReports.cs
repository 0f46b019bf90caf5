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
/// Reports read from the order and stock rows (the projections of the grains): revenue is the sum of line totals after
/// discounts, before tax and shipping, of orders that were not cancelled. A customer is new in the period of their first
/// such order and returning in any later one.
/// </summary>
public sealed class SalesReports(NpgsqlDataSource database)
{
    private const int TopSellerCount = 10;

    private const string Lines = """
        SELECT o.order_id, o.customer_id, o.order_date, oi.album_id, oi.quantity, oi.total
        FROM orders o
        JOIN order_items oi ON oi.order_id = o.order_id
        JOIN albums a ON a.album_id = oi.album_id
        LEFT JOIN genres g ON g.genre_id = a.genre_id
        WHERE o.status <> 'cancelled' AND o.order_date >= @from AND o.order_date < @to
          AND (@channel::text IS NULL OR o.channel = @channel::sales_channel)
          AND (@genre::text IS NULL OR lower(g.name) = lower(@genre))
        """;

    private static readonly string Figures = $"""
        WITH lines AS ({Lines}),
        firsts AS (
            SELECT customer_id, min(order_date) AS first_at FROM orders
            WHERE status <> 'cancelled' AND customer_id IN (SELECT customer_id FROM lines)
            GROUP BY customer_id),
        periods AS (
            SELECT date_trunc(@unit, l.order_date AT TIME ZONE 'UTC')::date AS period,
                   sum(l.total) AS revenue, sum(l.quantity)::int AS units, count(DISTINCT l.order_id)::int AS orders,
                   count(DISTINCT l.customer_id)::int AS customers,
                   count(DISTINCT l.customer_id) FILTER (
                       WHERE date_trunc(@unit, f.first_at AT TIME ZONE 'UTC') = date_trunc(@unit, l.order_date AT TIME ZONE 'UTC'))::int AS new_customers
            FROM lines l JOIN firsts f ON f.customer_id = l.customer_id
            GROUP BY 1)
        SELECT period, revenue, units, orders, customers, new_customers FROM periods ORDER BY period
        """;

    private static readonly string Totals = $"""
        WITH lines AS ({Lines})
        SELECT coalesce(sum(l.total), 0), coalesce(sum(l.quantity), 0)::int, count(DISTINCT l.order_id)::int,
               count(DISTINCT l.customer_id)::int,
               count(DISTINCT l.customer_id) FILTER (WHERE NOT EXISTS (
                   SELECT 1 FROM orders earlier WHERE earlier.customer_id = l.customer_id
                     AND earlier.status <> 'cancelled' AND earlier.order_date < @from))::int
        FROM lines l
        """;

    private static readonly string Top = $"""
        WITH lines AS ({Lines})
        SELECT a.album_id, a.title, a.artist, sum(l.quantity)::int AS units, sum(l.total) AS revenue
        FROM lines l JOIN albums a ON a.album_id = l.album_id
        GROUP BY a.album_id, a.title, a.artist
        ORDER BY units DESC, revenue DESC, a.title
        LIMIT {TopSellerCount}
        """;

    public async Task<SalesReport> SalesAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(BatchCommand(Figures, query, query.From, query.To));
        batch.BatchCommands.Add(BatchCommand(Totals, query, query.From, query.To));
        batch.BatchCommands.Add(BatchCommand(Totals, query, query.PreviousFrom, query.PreviousTo));
        batch.BatchCommands.Add(BatchCommand(Top, query, query.From, query.To));
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

    /// <summary>Stock as it stands, per genre, with turnover over the period: units sold in it per unit on hand.</summary>
    public async Task<InventoryReport> InventoryAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            WITH sold AS (
                SELECT oi.album_id, sum(oi.quantity) AS units FROM orders o JOIN order_items oi ON oi.order_id = o.order_id
                WHERE o.status <> 'cancelled' AND o.order_date >= @from AND o.order_date < @to
                GROUP BY oi.album_id)
            SELECT coalesce(g.name, 'No genre') AS genre, count(*)::int, coalesce(sum(i.quantity), 0)::int,
                   coalesce(sum(i.quantity * coalesce(a.cost, a.price)), 0),
                   coalesce(sum(s.units), 0)::numeric / greatest(sum(i.quantity), 1),
                   coalesce(avg(i.days_in_stock), 0)::int,
                   count(*) FILTER (WHERE i.quantity - i.reserved_quantity > 0 AND i.quantity - i.reserved_quantity <= i.reorder_point)::int,
                   count(*) FILTER (WHERE i.quantity - i.reserved_quantity <= 0)::int,
                   count(*) FILTER (WHERE i.optimal_stock_level > 0 AND i.quantity > i.optimal_stock_level * 1.5)::int
            FROM inventory i
            JOIN albums a ON a.album_id = i.album_id AND a.deleted_at IS NULL
            LEFT JOIN genres g ON g.genre_id = a.genre_id
            LEFT JOIN sold s ON s.album_id = i.album_id
            WHERE (@genre::text IS NULL OR lower(g.name) = lower(@genre))
            GROUP BY ROLLUP (coalesce(g.name, 'No genre'))
            ORDER BY GROUPING(coalesce(g.name, 'No genre')), 1
            """, query, query.From, query.To);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<InventoryGroup>();
        while (await reader.ReadAsync(cancellationToken))
        {
            // ROLLUP's grand total has no genre, and comes last (it is there even with no stock rows).
            rows.Add(new InventoryGroup(reader.IsDBNull(0) ? "All" : reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDecimal(3),
                decimal.Round(reader.GetDecimal(4), 4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8)));
        }

        return new InventoryReport(query.From, query.To, rows[..^1], rows[^1]);
    }

    private static async Task<SalesFigures> ReadTotalsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Of(reader.GetDecimal(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
    }

    private static SalesFigures Of(decimal revenue, int units, int orders, int customers, int newCustomers) =>
        new(revenue, units, orders, orders == 0 ? 0 : decimal.Round(revenue / orders, 2, MidpointRounding.AwayFromZero),
            newCustomers, customers - newCustomers);

    private static NpgsqlBatchCommand BatchCommand(string sql, ReportQuery query, DateOnly from, DateOnly to)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddParameters(command.Parameters, query, from, to);
        return command;
    }

    private NpgsqlCommand Command(string sql, ReportQuery query, DateOnly from, DateOnly to)
    {
        var command = database.CreateCommand(sql);
        AddParameters(command.Parameters, query, from, to);
        return command;
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, ReportQuery query, DateOnly from, DateOnly to)
    {
        parameters.AddWithValue("from", from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        parameters.AddWithValue("to", to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        parameters.AddWithValue("unit", query.GroupName);
        parameters.Add(new NpgsqlParameter("channel", NpgsqlDbType.Text) { Value = query.Channel is { } channel ? SchemaNames.Of(channel) : DBNull.Value });
        parameters.Add(new NpgsqlParameter("genre", NpgsqlDbType.Text) { Value = (object?)query.Genre ?? DBNull.Value });
    }
}
