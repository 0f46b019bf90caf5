using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Orders;
using Misty.Persistence;
using Misty.Web.Api;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Orders;

/// <summary>
/// Lists orders from their rows (the projection of the order grains), newest first. Rows follow the grains within
/// moments; one order's current state is read from its grain instead.
/// </summary>
public sealed class OrderDirectory(NpgsqlDataSource database)
{
    private const string Filter = """
        (@customer IS NULL OR customer_id = @customer)
        AND (@status IS NULL OR status = @status::order_status)
        AND (@channel IS NULL OR channel = @channel::sales_channel)
        AND (@from IS NULL OR order_date >= @from)
        AND (@to IS NULL OR order_date < @to)
        """;

    public async Task<OrderPage> ListAsync(OrderQuery query, CancellationToken cancellationToken)
    {
        var (items, total) = await database.ReadPageAsync($"FROM orders WHERE {Filter}",
            $"""
            SELECT order_id, order_number, customer_id, status::text, channel::text, subtotal, tax, shipping_fee, total, order_date, updated_at
            FROM orders WHERE {Filter}
            ORDER BY order_date DESC, order_id
            """,
            parameters => AddFilter(parameters, query),
            query.Page, query.PageSize,
            reader => new OrderSummaryResponse(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2),
                SchemaNames.Parse<OrderStatus>(reader.GetString(3)), SchemaNames.Parse<SalesChannel>(reader.GetString(4)),
                reader.GetDecimal(5), reader.GetDecimal(6), reader.GetDecimal(7), reader.GetDecimal(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10)),
            cancellationToken);
        return new OrderPage(items, query.Page, query.PageSize, total);
    }

    private static void AddFilter(NpgsqlParameterCollection parameters, OrderQuery query)
    {
        parameters.Add(new NpgsqlParameter("customer", NpgsqlDbType.Uuid) { Value = (object?)query.CustomerId ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = query.Status is { } status ? SchemaNames.Of(status) : DBNull.Value });
        parameters.Add(new NpgsqlParameter("channel", NpgsqlDbType.Text) { Value = query.Channel is { } channel ? SchemaNames.Of(channel) : DBNull.Value });
        parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)query.From ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)query.To ?? DBNull.Value });
    }
}
