using Misty.Grains.Interfaces.Cases;
using Misty.Persistence;
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

    /// <summary>
    /// The report's parts are read at once, each on a connection of its own: the customer counts (per period, in the report
    /// and in the previous period) are the costly parts, and the server works on them side by side.
    /// </summary>
    public async Task<SalesReport> SalesAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        var days = await DaysAsync(query, cancellationToken);
        var sales = ReadAsync(ReportSql.Sales, query, days,
            reader => new PartSales(reader.GetBoolean(0), reader.GetBoolean(1) ? null : reader.GetFieldValue<DateOnly>(2), reader.GetDecimal(3), reader.GetInt32(4),
                reader.GetInt32(5)), cancellationToken);
        var people = new List<Task<List<((bool Current, DateOnly? Period) Part, int Customers, int New)>>>
        {
            PeopleAsync(query, days, current: true, byPeriod: true, cancellationToken),
            PeopleAsync(query, days, current: true, byPeriod: false, cancellationToken),
            PeopleAsync(query, days, current: false, byPeriod: false, cancellationToken),
        };
        var top = ReadAsync(ReportSql.Top, query, days,
            reader => new TopSeller(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetDecimal(4)), cancellationToken);
        await Task.WhenAll([sales, top, .. people]);

        var customers = people.SelectMany(part => part.Result).ToDictionary(row => row.Part, row => (row.Customers, row.New));
        SalesFigures Combine(PartSales part)
        {
            var (buyers, fresh) = customers.GetValueOrDefault((part.Current, part.Period));
            return Of(part.Revenue, part.Units, part.Orders, buyers, fresh);
        }

        var parts = await sales;
        var periods = parts.Where(part => part.Current && part.Period is not null && part.Orders > 0)
            .OrderBy(part => part.Period)
            .Select(part => new SalesPeriod(part.Period!.Value, Combine(part)))
            .ToList();
        SalesFigures Total(bool current) => Combine(parts.SingleOrDefault(part => part.Current == current && part.Period is null) ?? new(current, null, 0, 0, 0));

        return new SalesReport(query.From, query.To, query.GroupName, query.Channel is { } channel ? SchemaNames.Of(channel) : null, query.Genre,
            periods, Total(current: true), Total(current: false), await top);
    }

    /// <summary>
    /// Stock as it stands, per genre, with turnover over the period: units of the genre sold in it per unit on hand (from
    /// the roll-up's genre rows where it reaches).
    /// </summary>
    public async Task<InventoryReport> InventoryAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        var days = await DaysAsync(query, cancellationToken);
        var stock = ReadAsync(ReportSql.Stock, query, days,
            reader => (Genre: reader.IsDBNull(0) ? "All" : reader.GetString(0), Skus: reader.GetInt32(1), Units: reader.GetInt32(2), Value: reader.GetDecimal(3),
                Days: reader.GetInt32(4), Low: reader.GetInt32(5), Out: reader.GetInt32(6), Over: reader.GetInt32(7)), cancellationToken);
        var units = ReadAsync(ReportSql.GenreUnits, query, days, reader => (Genre: reader.GetString(0), Units: reader.GetInt32(1)), cancellationToken);
        await Task.WhenAll(stock, units);

        // ROLLUP's grand total has no genre, and comes last (it is there even with no stock rows).
        var rows = await stock;
        var sold = (await units).ToDictionary(row => row.Genre, row => row.Units);
        var genres = rows[..^1].Select(row => Group(row, sold.GetValueOrDefault(row.Genre))).ToList();
        return new InventoryReport(query.From, query.To, genres, Group(rows[^1], genres.Sum(genre => sold.GetValueOrDefault(genre.Genre))));
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

    private Task<List<((bool Current, DateOnly? Period) Part, int Customers, int New)>> PeopleAsync(ReportQuery query, ReportDays days, bool current,
        bool byPeriod, CancellationToken cancellationToken) =>
        ReadAsync(byPeriod ? ReportSql.CustomersPerPeriod : ReportSql.CustomersInSpan, query, days,
            reader => (Part: (current, reader.IsDBNull(0) ? null : (DateOnly?)reader.GetFieldValue<DateOnly>(0)), Customers: reader.GetInt32(1), New: reader.GetInt32(2)),
            cancellationToken,
            parameters =>
            {
                parameters.AddWithValue("span_first", current ? query.From : query.PreviousFrom);
                parameters.AddWithValue("span_last", current ? query.To : query.PreviousTo);
            });

    private Task<List<T>> ReadAsync<T>(string sql, ReportQuery query, ReportDays days, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken,
        Action<NpgsqlParameterCollection>? more = null) =>
        database.ReadRowsAsync(sql, parameters =>
        {
            AddParameters(parameters, query, days);
            more?.Invoke(parameters);
        }, read, cancellationToken);

    /// <summary>Sales of one period of the report, or (no period) of the whole report or the previous period.</summary>
    private sealed record PartSales(bool Current, DateOnly? Period, decimal Revenue, int Units, int Orders);

    private static InventoryGroup Group((string Genre, int Skus, int Units, decimal Value, int Days, int Low, int Out, int Over) row, int sold) =>
        new(row.Genre, row.Skus, row.Units, row.Value, decimal.Round((decimal)sold / Math.Max(row.Units, 1), 4), row.Days, row.Low, row.Out, row.Over);

    private static SalesFigures Of(decimal revenue, int units, int orders, int customers, int newCustomers) =>
        new(revenue, units, orders, orders == 0 ? 0 : decimal.Round(revenue / orders, 2, MidpointRounding.AwayFromZero),
            newCustomers, customers - newCustomers);

    private static DateTime Midnight(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static void AddParameters(NpgsqlParameterCollection parameters, ReportQuery query, ReportDays days)
    {
        parameters.AddWithValue("from_day", query.From);
        parameters.AddWithValue("range_start", Midnight(query.From));
        parameters.AddWithValue("unit", query.GroupName);
        parameters.AddWithValue("top", TopSellerCount);
        parameters.Add(new NpgsqlParameter("channel", NpgsqlDbType.Text) { Value = query.Channel is { } channel ? SchemaNames.Of(channel) : DBNull.Value });
        parameters.Add(new NpgsqlParameter("genre", NpgsqlDbType.Text) { Value = (object?)query.Genre ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("rolled_firsts", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = days.FromRollUp.Select(run => run.First).ToArray() });
        parameters.Add(new NpgsqlParameter("rolled_lasts", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = days.FromRollUp.Select(run => run.Last).ToArray() });
        parameters.Add(new NpgsqlParameter("raw_starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = days.FromOrders.Select(run => Midnight(run.First)).ToArray(),
        });
        parameters.Add(new NpgsqlParameter("raw_ends", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = days.FromOrders.Select(run => Midnight(run.Last.AddDays(1))).ToArray(),
        });
    }
}
