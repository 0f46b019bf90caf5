using Misty.Grains.Interfaces.Replenishment;
using Misty.Web.Dashboard;
using Npgsql;

namespace Misty.Web.Replenishment;

/// <summary>The dashboard's open reorder lines (pending, approved or ordered), most urgent first, shaped as their change events.</summary>
public sealed class ReorderQueueSection(NpgsqlDataSource database) : IDashboardSection<ReorderChanged>
{
    /// <summary>The overview counts open lines by status and priority; a queue longer than this is worked in the API.</summary>
    public const int Limit = 500;

    private const string Sql = """
        SELECT r.reorder_id, r.album_id, a.sku, r.supplier_id, r.status::text, r.priority::text, r.recommended_quantity, r.received_quantity,
            r.total_cost, r.version, r.updated_at
        FROM reorder_queue r JOIN albums a ON a.album_id = r.album_id
        WHERE r.status IN ('pending', 'approved', 'ordered')
        ORDER BY r.priority, r.created_at DESC
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<ReorderChanged>> LoadAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(Sql, Limit, reader => new ReorderChanged(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7),
            reader.IsDBNull(8) ? null : reader.GetDecimal(8), reader.GetInt64(9), reader.GetFieldValue<DateTimeOffset>(10)), cancellationToken);
}
