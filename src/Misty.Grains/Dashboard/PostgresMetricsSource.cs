using Npgsql;

namespace Misty.Grains.Dashboard;

/// <summary>
/// Reads the figures from the rows as they are: today's orders per channel and orders per minute from <c>orders</c>
/// (by order_date, cancelled ones excluded), units per minute from the sale rows of <c>inventory_transactions</c>,
/// which every sale writes whichever way it was made. Days are UTC days.
/// </summary>
public sealed class PostgresMetricsSource(NpgsqlDataSource database) : IMetricsSource
{
    private const string ChannelsSql = """
        SELECT channel::text, count(*)::int, coalesce(sum(total), 0)
        FROM orders
        WHERE order_date >= @day_start AND order_date < @day_start + interval '1 day' AND status <> 'cancelled'
        GROUP BY channel
        """;

    // Minutes are counted from the window's start, so the session's time zone plays no part.
    private const string OrdersByMinuteSql = """
        SELECT floor(extract(epoch FROM order_date - @window_start) / 60)::int, count(*)::int
        FROM orders
        WHERE order_date >= @window_start AND order_date <= @now AND status <> 'cancelled'
        GROUP BY 1
        """;

    private const string UnitsByMinuteSql = """
        SELECT floor(extract(epoch FROM created_at - @window_start) / 60)::int, (-sum(quantity_change))::int
        FROM inventory_transactions
        WHERE transaction_type = 'sale' AND created_at >= @window_start AND created_at <= @now
        GROUP BY 1
        """;

    public async Task<MetricsFigures> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var utc = now.ToUniversalTime();
        var dayStart = new DateTimeOffset(utc.Date, TimeSpan.Zero);
        var windowStart = MetricsFigures.WindowStart(utc);
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(ChannelsSql, ("day_start", dayStart)));
        batch.BatchCommands.Add(Command(OrdersByMinuteSql, ("window_start", windowStart), ("now", utc)));
        batch.BatchCommands.Add(Command(UnitsByMinuteSql, ("window_start", windowStart), ("now", utc)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        var channels = new Dictionary<string, (int, decimal)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            channels[reader.GetString(0)] = (reader.GetInt32(1), reader.GetDecimal(2));
        }

        await reader.NextResultAsync(cancellationToken);
        var orders = await ReadCountsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var units = await ReadCountsAsync(reader, cancellationToken);
        return MetricsFigures.Complete(utc, channels, orders, units);
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, DateTimeOffset Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static async Task<Dictionary<int, int>> ReadCountsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<int, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetInt32(0)] = reader.GetInt32(1);
        }

        return counts;
    }
}
