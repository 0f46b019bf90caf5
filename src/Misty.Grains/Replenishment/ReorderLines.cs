using Misty.Grains.Interfaces.Replenishment;
using Npgsql;

namespace Misty.Grains.Replenishment;

/// <summary>A reorder line with what staff need to decide on it.</summary>
public sealed record ReorderLine(Guid ReorderId, Guid AlbumId, string Sku, string Title, Guid? SupplierId, string? SupplierName, int CurrentStock,
    int RecommendedQuantity, int ReceivedQuantity, decimal? UnitCost, decimal? TotalCost, string Priority, int? AiConfidence, string Status,
    string? Insight, Guid? PurchaseOrderId, DateTimeOffset CreatedAt, DateTimeOffset? ApprovedAt, DateTimeOffset? OrderedAt, DateTimeOffset UpdatedAt,
    long Version)
{
    public ReorderChanged ToEvent() => new(ReorderId, AlbumId, Sku, SupplierId, Status, Priority, RecommendedQuantity, ReceivedQuantity, TotalCost,
        Version, UpdatedAt);
}

public enum TransitionResult
{
    Changed,
    /// <summary>The line was already where the call would take it (a retry): nothing changed.</summary>
    Unchanged,
    NotFound,
    /// <summary>The line's status does not allow it.</summary>
    Conflict,
}

/// <param name="Line">The line after the call (or as it was, when refused for its status); null when not found.</param>
/// <param name="Others">Other lines the call changed with it (the rest of a purchase order).</param>
public sealed record Transition(TransitionResult Result, ReorderLine? Line, IReadOnlyList<ReorderLine> Others);

/// <summary>The reorder_queue lines' lifecycle: pending -> approved -> ordered -> received, or dismissed; each change one statement.</summary>
public sealed class ReorderLines(NpgsqlDataSource database, ReorderNotices notices)
{
    private const string Select = """
        SELECT r.reorder_id, r.album_id, a.sku, a.title, r.supplier_id, s.name, r.current_stock, r.recommended_quantity, r.received_quantity,
            r.unit_cost, r.total_cost, r.priority::text, r.ai_confidence, r.status::text,
            (SELECT insight FROM ai_recommendations x WHERE x.recommendation_type = 'reorder' AND x.entity_id = r.album_id
                AND x.metadata->>'reorderId' = r.reorder_id::text ORDER BY x.updated_at DESC LIMIT 1),
            r.purchase_order_id, r.created_at, r.approved_at, r.ordered_at, r.updated_at, r.version
        FROM reorder_queue r JOIN albums a ON a.album_id = r.album_id LEFT JOIN suppliers s ON s.supplier_id = r.supplier_id
        """;

    internal static ReorderChanged Read(NpgsqlDataReader reader, string sku) => new(reader.GetGuid(0), reader.GetGuid(1), sku,
        reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetDecimal(7), reader.GetInt64(8), reader.GetFieldValue<DateTimeOffset>(9));

    /// <returns>One page of lines, newest first, and how many match.</returns>
    public async Task<(IReadOnlyList<ReorderLine> Lines, long Total)> ListAsync(string? status, string? priority, Guid? supplierId, Guid? albumId,
        int page, int pageSize, CancellationToken cancellationToken)
    {
        const string Where = """
            WHERE (@status::text IS NULL OR r.status::text = @status) AND (@priority::text IS NULL OR r.priority::text = @priority)
              AND (@supplier::uuid IS NULL OR r.supplier_id = @supplier) AND (@album::uuid IS NULL OR r.album_id = @album)
            """;
        await using var command = database.CreateCommand($"""
            {Select} {Where} ORDER BY r.priority, r.created_at DESC, r.reorder_id LIMIT @limit OFFSET @offset;
            SELECT count(*) FROM reorder_queue r {Where};
            """);
        command.Parameters.AddWithValue("status", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("priority", (object?)priority ?? DBNull.Value);
        command.Parameters.Add(new NpgsqlParameter("supplier", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)supplierId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("album", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)albumId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", pageSize);
        command.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = await ReadLinesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (lines, reader.GetInt64(0));
    }

    public async Task<ReorderLine?> GetAsync(Guid reorderId, CancellationToken cancellationToken) =>
        (await WhereAsync("WHERE r.reorder_id = @id", reorderId, cancellationToken)).FirstOrDefault();

    /// <summary>The lines of one purchase order.</summary>
    public Task<List<ReorderLine>> PurchaseOrderAsync(Guid purchaseOrderId, CancellationToken cancellationToken) =>
        WhereAsync("WHERE r.purchase_order_id = @id ORDER BY a.sku", purchaseOrderId, cancellationToken);

    /// <summary>Purchase orders, newest first: the ids of one page and how many there are.</summary>
    public async Task<(IReadOnlyList<Guid> Ids, long Total)> PurchaseOrderIdsAsync(Guid? supplierId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT purchase_order_id FROM reorder_queue WHERE purchase_order_id IS NOT NULL AND (@supplier::uuid IS NULL OR supplier_id = @supplier)
            GROUP BY purchase_order_id ORDER BY max(ordered_at) DESC, purchase_order_id LIMIT @limit OFFSET @offset;
            SELECT count(DISTINCT purchase_order_id) FROM reorder_queue WHERE purchase_order_id IS NOT NULL AND (@supplier::uuid IS NULL OR supplier_id = @supplier);
            """);
        command.Parameters.Add(new NpgsqlParameter("supplier", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)supplierId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", pageSize);
        command.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (ids, reader.GetInt64(0));
    }

    public Task<Transition> ApproveAsync(Guid reorderId, CancellationToken cancellationToken) =>
        MoveAsync(reorderId, ["pending"], "approved", "approved_at = now()", "accepted", cancellationToken);

    public Task<Transition> DismissAsync(Guid reorderId, CancellationToken cancellationToken) =>
        MoveAsync(reorderId, ["pending", "approved"], "dismissed", null, "dismissed", cancellationToken);

    /// <summary>
    /// Orders the line with every other approved, not yet ordered line of its supplier, as one purchase order. A line
    /// already ordered answers Unchanged with its order, so a retried call orders nothing again.
    /// </summary>
    public async Task<Transition> OrderAsync(Guid reorderId, CancellationToken cancellationToken)
    {
        if (await GetAsync(reorderId, cancellationToken) is not { } line)
        {
            return new Transition(TransitionResult.NotFound, null, []);
        }

        if (line.Status is "ordered" or "received")
        {
            return new Transition(TransitionResult.Unchanged, line, await OthersAsync(line, cancellationToken));
        }

        if (line.Status != "approved" || line.SupplierId is null)
        {
            return new Transition(TransitionResult.Conflict, line, []);
        }

        await using var command = database.CreateCommand("""
            WITH po AS (SELECT gen_random_uuid() AS id)
            UPDATE reorder_queue SET status = 'ordered', purchase_order_id = po.id, ordered_at = now(), version = version + 1
            FROM po WHERE supplier_id = @supplier AND status = 'approved' AND purchase_order_id IS NULL
            RETURNING reorder_id
            """);
        command.Parameters.AddWithValue("supplier", line.SupplierId.Value);
        var ordered = await ReplenishmentStore.ReadGuidsAsync(command, cancellationToken);
        var after = await GetAsync(reorderId, cancellationToken);
        if (!ordered.Contains(reorderId) || after is null)
        {
            // Another call ordered it a moment ago (or dismissed it): report what it is now.
            return new Transition(after?.Status == "ordered" ? TransitionResult.Unchanged : TransitionResult.Conflict, after ?? line, []);
        }

        var others = await OthersAsync(after, cancellationToken);
        foreach (var changed in others.Prepend(after))
        {
            await notices.PublishAsync(changed.ToEvent());
        }

        return new Transition(TransitionResult.Changed, after, others);
    }

    /// <summary>
    /// Records units received, if the line still shows <paramref name="receivedBefore"/> received (so two receipts
    /// never both count from the same point); the line is received once every unit has come.
    /// </summary>
    public async Task<Transition> RecordReceiptAsync(Guid reorderId, int receivedBefore, int quantity, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE reorder_queue SET received_quantity = received_quantity + @quantity, version = version + 1,
                status = CASE WHEN received_quantity + @quantity >= recommended_quantity THEN 'received'::reorder_status ELSE status END
            WHERE reorder_id = @id AND status = 'ordered' AND received_quantity = @before AND received_quantity + @quantity <= recommended_quantity
            RETURNING reorder_id
            """);
        command.Parameters.AddWithValue("id", reorderId);
        command.Parameters.AddWithValue("before", receivedBefore);
        command.Parameters.AddWithValue("quantity", quantity);
        var changed = (await ReplenishmentStore.ReadGuidsAsync(command, cancellationToken)).Count > 0;
        var line = await GetAsync(reorderId, cancellationToken);
        if (changed && line is not null)
        {
            await notices.PublishAsync(line.ToEvent());
        }

        return new Transition(changed ? TransitionResult.Changed : TransitionResult.Unchanged, line, []);
    }

    private async Task<Transition> MoveAsync(Guid reorderId, string[] from, string to, string? set, string recommendationStatus,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            WITH moved AS (
                UPDATE reorder_queue SET status = @to::reorder_status, version = version + 1 {(set is null ? "" : ", " + set)}
                WHERE reorder_id = @id AND status::text = ANY(@from) RETURNING reorder_id, album_id),
            recommendation AS (
                UPDATE ai_recommendations x SET status = @recommendation::recommendation_status FROM moved
                WHERE x.recommendation_type = 'reorder' AND x.entity_id = moved.album_id AND x.metadata->>'reorderId' = moved.reorder_id::text
                RETURNING 1)
            SELECT count(*) > 0 FROM moved
            """);
        var before = await GetAsync(reorderId, cancellationToken);
        if (before is null)
        {
            return new Transition(TransitionResult.NotFound, null, []);
        }

        if (before.Status == to)
        {
            return new Transition(TransitionResult.Unchanged, before, []);
        }

        command.Parameters.AddWithValue("id", reorderId);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("recommendation", recommendationStatus);
        var moved = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        var after = await GetAsync(reorderId, cancellationToken) ?? before;
        if (moved)
        {
            await notices.PublishAsync(after.ToEvent());
        }

        return new Transition(moved ? TransitionResult.Changed : after.Status == to ? TransitionResult.Unchanged : TransitionResult.Conflict, after, []);
    }

    private async Task<List<ReorderLine>> OthersAsync(ReorderLine line, CancellationToken cancellationToken) => line.PurchaseOrderId is { } po
        ? [.. (await PurchaseOrderAsync(po, cancellationToken)).Where(other => other.ReorderId != line.ReorderId)]
        : [];

    private async Task<List<ReorderLine>> WhereAsync(string where, Guid id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"{Select} {where}");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadLinesAsync(reader, cancellationToken);
    }

    private static async Task<List<ReorderLine>> ReadLinesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<ReorderLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new ReorderLine(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7),
                reader.GetInt32(8), reader.IsDBNull(9) ? null : reader.GetDecimal(9), reader.IsDBNull(10) ? null : reader.GetDecimal(10),
                reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetInt32(12), reader.GetString(13), reader.IsDBNull(14) ? null : reader.GetString(14),
                reader.IsDBNull(15) ? null : reader.GetGuid(15), reader.GetFieldValue<DateTimeOffset>(16),
                reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17), reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18),
                reader.GetFieldValue<DateTimeOffset>(19), reader.GetInt64(20)));
        }

        return lines;
    }
}
