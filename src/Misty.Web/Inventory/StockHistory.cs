using Misty.Web.Api;
using Npgsql;

namespace Misty.Web.Inventory;

/// <summary>
/// An album's stock over time, from its ledger (<c>inventory_transactions</c>): each day's movements by kind and the
/// stock at the day's end, worked back from the inventory row that the same projection keeps, plus the latest rows.
/// Days are UTC, the store's time zone.
/// </summary>
public sealed class StockHistory(NpgsqlDataSource database)
{
    public const int DefaultDays = 90;
    public const int MaxDays = 730;
    public const int RecentRows = 20;

    private const string DaysSql = """
        WITH inv AS (SELECT inventory_id, quantity FROM inventory WHERE album_id = @album),
        days AS (
            SELECT generate_series(date_trunc('day', @now) - (@days - 1) * interval '1 day', date_trunc('day', @now), interval '1 day') AS day),
        moves AS (
            SELECT date_trunc('day', t.created_at) AS day,
                   sum(CASE WHEN t.transaction_type = 'sale' THEN -t.quantity_change ELSE 0 END)::int AS sold,
                   sum(CASE WHEN t.transaction_type = 'return' THEN t.quantity_change ELSE 0 END)::int AS returned,
                   sum(CASE WHEN t.transaction_type = 'restock' THEN t.quantity_change ELSE 0 END)::int AS restocked,
                   sum(CASE WHEN t.transaction_type = 'adjustment' THEN t.quantity_change ELSE 0 END)::int AS adjusted,
                   sum(t.quantity_change)::int AS net
            FROM inventory_transactions t JOIN inv USING (inventory_id)
            WHERE t.created_at >= date_trunc('day', @now) - (@days - 1) * interval '1 day'
            GROUP BY 1)
        SELECT d.day, coalesce(m.sold, 0), coalesce(m.returned, 0), coalesce(m.restocked, 0), coalesce(m.adjusted, 0),
               inv.quantity - coalesce(sum(m.net) OVER (ORDER BY d.day DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int
        FROM days d CROSS JOIN inv LEFT JOIN moves m ON m.day = d.day
        ORDER BY d.day
        """;

    private const string RecentSql = """
        SELECT t.transaction_id, t.transaction_type::text, t.quantity_change, t.unit_price, t.notes, t.order_id, t.created_at
        FROM inventory_transactions t JOIN inventory i USING (inventory_id)
        WHERE i.album_id = @album
        ORDER BY t.created_at DESC, t.transaction_id
        LIMIT @limit
        """;

    /// <returns>The history, or null when the album has no inventory row.</returns>
    public async Task<StockHistoryResponse?> ReadAsync(Guid albumId, int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(BatchCommands.Of(DaysSql, ("album", albumId), ("now", now), ("days", days)));
        batch.BatchCommands.Add(BatchCommands.Of(RecentSql, ("album", albumId), ("limit", RecentRows)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var history = new List<StockDayResponse>(days);
        while (await reader.ReadAsync(cancellationToken))
        {
            history.Add(new StockDayResponse(DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetInt32(1), reader.GetInt32(2),
                reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5)));
        }

        await reader.NextResultAsync(cancellationToken);
        var recent = new List<StockMovementResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            recent.Add(new StockMovementResponse(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetDecimal(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return history.Count == 0 ? null : new StockHistoryResponse(albumId, history, recent);
    }
}
