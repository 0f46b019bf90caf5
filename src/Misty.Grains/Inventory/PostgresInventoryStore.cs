using System.Runtime.ExceptionServices;
using Misty.Grains.Interfaces.Inventory;
using Misty.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Inventory;

public sealed class PostgresInventoryStore(NpgsqlDataSource database) : IInventoryStore
{
    /// <summary>
    /// Projections of all albums on this silo share transactions: with many albums changing, one commit brings many
    /// rows up to date instead of one transaction per album.
    /// </summary>
    private readonly CommitQueue<Projection, Exception?> _projections = new(projections => ProjectAllAsync(database, projections), maxBatch: 256);

    public async Task<InventoryRow?> LoadAsync(Guid albumId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT a.sku, i.quantity, i.reorder_point, i.optimal_stock_level, i.last_restock_date
            FROM albums a JOIN inventory i ON i.album_id = a.album_id
            WHERE a.album_id = @album AND a.deleted_at IS NULL
            """);
        command.Parameters.AddWithValue("album", albumId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new InventoryRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
    }

    public async Task ProjectAsync(InventorySnapshot snapshot, IReadOnlyList<LedgerEntry> ledger, bool overwrite, CancellationToken cancellationToken)
    {
        if (await _projections.EnqueueAsync(new Projection(snapshot, ledger, overwrite)).WaitAsync(cancellationToken) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static async Task<IReadOnlyList<Exception?>> ProjectAllAsync(NpgsqlDataSource database, IReadOnlyList<Projection> projections)
    {
        try
        {
            await ProjectInOneTransactionAsync(database, projections);
            return [.. projections.Select(_ => (Exception?)null)];
        }
        catch (PostgresException) when (projections.Count > 1)
        {
            // One projection the database refuses must not hold back every album batched with it: one by one, only
            // that one fails (and its grain retries it later).
            var outcomes = new List<Exception?>(projections.Count);
            foreach (var projection in projections)
            {
                try
                {
                    await ProjectInOneTransactionAsync(database, [projection]);
                    outcomes.Add(null);
                }
                catch (PostgresException ex)
                {
                    outcomes.Add(ex);
                }
            }

            return outcomes;
        }
    }

    private static async Task ProjectInOneTransactionAsync(NpgsqlDataSource database, IReadOnlyList<Projection> projections)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch)
        {
            // Rows are locked in album order, so two flushes (of two silos) cannot deadlock each other.
            foreach (var (snapshot, ledger, overwrite) in projections.OrderBy(projection => projection.Snapshot.AlbumId))
            {
                foreach (var entry in ledger)
                {
                    var insert = new NpgsqlBatchCommand(
                        """
                        INSERT INTO inventory_transactions
                            (transaction_id, inventory_id, order_id, transaction_type, quantity_change, unit_price, notes, user_id, created_at)
                        SELECT @id, i.inventory_id, @order, @type::inventory_transaction_type, @change, @price, @notes, @user, @at
                        FROM inventory i WHERE i.album_id = @album
                        ON CONFLICT (transaction_id) DO NOTHING
                        """);
                    insert.Parameters.AddWithValue("id", entry.TransactionId);
                    insert.Parameters.AddWithValue("album", snapshot.AlbumId);
                    insert.Parameters.Add(new NpgsqlParameter("order", NpgsqlDbType.Uuid) { Value = (object?)entry.OrderId ?? DBNull.Value });
                    insert.Parameters.AddWithValue("type", entry.Kind.ToString().ToLowerInvariant());
                    insert.Parameters.AddWithValue("change", entry.QuantityChange);
                    insert.Parameters.Add(new NpgsqlParameter("price", NpgsqlDbType.Numeric) { Value = (object?)entry.UnitPrice ?? DBNull.Value });
                    insert.Parameters.Add(new NpgsqlParameter("notes", NpgsqlDbType.Text) { Value = (object?)entry.Notes ?? DBNull.Value });
                    insert.Parameters.Add(new NpgsqlParameter("user", NpgsqlDbType.Uuid) { Value = (object?)entry.UserId ?? DBNull.Value });
                    insert.Parameters.AddWithValue("at", entry.CreatedAt);
                    batch.BatchCommands.Add(insert);
                }

                // Only a newer version may overwrite the row: replays and reordered projections change nothing.
                var update = new NpgsqlBatchCommand(
                    """
                    UPDATE inventory
                    SET quantity = @quantity, reserved_quantity = @reserved, last_restock_date = @restocked, version = @version
                    WHERE album_id = @album AND (version < @version OR @overwrite)
                    """);
                update.Parameters.AddWithValue("overwrite", overwrite);
                update.Parameters.AddWithValue("album", snapshot.AlbumId);
                update.Parameters.AddWithValue("quantity", snapshot.Quantity);
                update.Parameters.AddWithValue("reserved", snapshot.Reserved);
                update.Parameters.Add(new NpgsqlParameter("restocked", NpgsqlDbType.TimestampTz) { Value = (object?)snapshot.LastRestockDate ?? DBNull.Value });
                update.Parameters.AddWithValue("version", snapshot.Version);
                batch.BatchCommands.Add(update);
            }

            // Prepared explicitly, as BatchedGrainStorage does: otherwise every projection is parsed and planned again.
            await batch.PrepareAsync();
            await batch.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private sealed record Projection(InventorySnapshot Snapshot, IReadOnlyList<LedgerEntry> Ledger, bool Overwrite);
}
