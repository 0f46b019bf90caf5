using Misty.Grains.Interfaces.Inventory;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Inventory;

public sealed class PostgresInventoryStore(NpgsqlDataSource database) : IInventoryStore
{
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
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch)
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
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
