using Npgsql;

namespace Misty.Tests.Infrastructure;

/// <summary>Catalog rows for tests that are about stock, not about the album API.</summary>
public static class TestAlbums
{
    /// <summary>Inserts an album with its inventory row and a matching opening restock in the ledger.</summary>
    public static async Task<Guid> InsertAsync(string connectionString, int quantity, int reorderPoint = 2)
    {
        var albumId = Guid.NewGuid();
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var command = database.CreateCommand(
            """
            WITH album AS (
                INSERT INTO albums (album_id, sku, title, artist, release_year, price, cost, condition)
                VALUES (@album, @sku, 'Test Pressing', 'The Testers', 1977, 25.00, 10.00, 'NM')
                RETURNING album_id),
            stock AS (
                INSERT INTO inventory (album_id, quantity, reorder_point, optimal_stock_level)
                SELECT album_id, @quantity, @reorder, 10 FROM album
                RETURNING inventory_id)
            INSERT INTO inventory_transactions (inventory_id, transaction_type, quantity_change, notes)
            SELECT inventory_id, 'restock', @quantity, 'opening stock' FROM stock WHERE @quantity > 0
            """);
        command.Parameters.AddWithValue("album", albumId);
        command.Parameters.AddWithValue("sku", "TEST-" + albumId.ToString("N")[..12].ToUpperInvariant());
        command.Parameters.AddWithValue("quantity", quantity);
        command.Parameters.AddWithValue("reorder", reorderPoint);
        await command.ExecuteNonQueryAsync();
        return albumId;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, for projections that converge after the answer.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }
}
