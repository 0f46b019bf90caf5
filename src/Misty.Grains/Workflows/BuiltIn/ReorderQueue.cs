using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>An album whose available stock is at or below its reorder point, as its inventory grain reported it.</summary>
public sealed record ReorderCandidate(Guid AlbumId, string Sku, int Quantity, int Available, int ReorderPoint, int OptimalStockLevel);

/// <summary>A reorder_queue row the workflow added.</summary>
public sealed record QueuedReorder(Guid ReorderId, Guid AlbumId, Guid? SupplierId, int Quantity, decimal? UnitCost, decimal? TotalCost, string Priority);

/// <summary>The reorder_queue and supplier price lists, as the low-stock reorder workflow uses them.</summary>
public sealed class ReorderQueue(NpgsqlDataSource database)
{
    /// <summary>Enough for one run; a larger backlog is worked off by the next runs.</summary>
    public const int MaxAlbumsPerRun = 500;

    /// <summary>Albums whose projected inventory row is at or below the reorder point, fewest available first.</summary>
    public async Task<IReadOnlyList<Guid>> LowStockAlbumsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT i.album_id
            FROM inventory i JOIN albums a ON a.album_id = i.album_id
            WHERE a.deleted_at IS NULL AND i.quantity - i.reserved_quantity <= i.reorder_point
            ORDER BY i.quantity - i.reserved_quantity, a.sku
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("limit", MaxAlbumsPerRun);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var albums = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            albums.Add(reader.GetGuid(0));
        }

        return albums;
    }

    /// <summary>
    /// Queues what the album still lacks after what is already on order (pending, approved or ordered reorders), from
    /// the supplier that is cheapest today. The album is locked meanwhile, so two runs at once cannot both order.
    /// </summary>
    /// <returns>The new reorder, or null when what is on order already covers the shortfall.</returns>
    public async Task<QueuedReorder?> QueueAsync(ReorderCandidate album, DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockAlbum = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('reorder:' || @album::text, 0))", connection, transaction))
        {
            lockAlbum.Parameters.AddWithValue("album", album.AlbumId);
            await lockAlbum.ExecuteNonQueryAsync(cancellationToken);
        }

        var onOrder = await OnOrderAsync(connection, transaction, album.AlbumId, cancellationToken);
        var offers = await OffersAsync(connection, transaction, album.AlbumId, today, cancellationToken);
        if (ReorderPlanner.Decide(album.Available, album.ReorderPoint, album.OptimalStockLevel, onOrder, offers) is not { } decision)
        {
            return null;
        }

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO reorder_queue (album_id, supplier_id, current_stock, recommended_quantity, unit_cost, total_cost, priority, status)
            VALUES (@album, @supplier, @stock, @quantity, @unit, @total, @priority::priority_level, 'pending')
            RETURNING reorder_id
            """, connection, transaction);
        insert.Parameters.AddWithValue("album", album.AlbumId);
        insert.Parameters.Add(new NpgsqlParameter("supplier", NpgsqlDbType.Uuid) { Value = (object?)decision.Offer?.SupplierId ?? DBNull.Value });
        insert.Parameters.AddWithValue("stock", Math.Max(album.Quantity, 0));
        insert.Parameters.AddWithValue("quantity", decision.Quantity);
        insert.Parameters.Add(new NpgsqlParameter("unit", NpgsqlDbType.Numeric) { Value = (object?)decision.Offer?.UnitPrice ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("total", NpgsqlDbType.Numeric) { Value = (object?)decision.TotalCost ?? DBNull.Value });
        insert.Parameters.AddWithValue("priority", decision.Priority);
        var reorderId = (Guid)(await insert.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new QueuedReorder(reorderId, album.AlbumId, decision.Offer?.SupplierId, decision.Quantity, decision.Offer?.UnitPrice, decision.TotalCost, decision.Priority);
    }

    private static async Task<int> OnOrderAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid albumId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(recommended_quantity), 0)::int FROM reorder_queue WHERE album_id = @album AND status IN ('pending', 'approved', 'ordered')",
            connection, transaction);
        command.Parameters.AddWithValue("album", albumId);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<List<SupplierOffer>> OffersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid albumId, DateOnly today, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT p.supplier_id, p.unit_price, p.minimum_order_quantity, s.reliability_score
            FROM supplier_pricing p JOIN suppliers s ON s.supplier_id = p.supplier_id
            WHERE p.album_id = @album AND p.deleted_at IS NULL AND s.deleted_at IS NULL
              AND p.effective_from <= @today AND (p.effective_to IS NULL OR p.effective_to >= @today)
            """, connection, transaction);
        command.Parameters.AddWithValue("album", albumId);
        command.Parameters.AddWithValue("today", today);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var offers = new List<SupplierOffer>();
        while (await reader.ReadAsync(cancellationToken))
        {
            offers.Add(new SupplierOffer(reader.GetGuid(0), reader.GetDecimal(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetDecimal(3)));
        }

        return offers;
    }
}
