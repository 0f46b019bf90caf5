using Npgsql;

namespace Misty.Grains.Insights;

/// <summary>The catalogue's price change as a step of a larger transaction (an accepted pricing insight).</summary>
public static class CatalogPrices
{
    /// <summary>
    /// Sets an album's price inside the caller's transaction (e.g. with the insight it accepts), so both are stored or
    /// neither. The caller audits the change once the transaction is committed.
    /// </summary>
    /// <returns>The price before, or null when the album is not in the catalogue (then nothing changed).</returns>
    public static async Task<decimal?> ChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid albumId, decimal price,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            WITH before AS (SELECT price FROM albums WHERE album_id = @id AND deleted_at IS NULL FOR UPDATE)
            UPDATE albums a SET price = @price FROM before WHERE a.album_id = @id RETURNING before.price
            """, connection, transaction);
        command.Parameters.AddWithValue("id", albumId);
        command.Parameters.AddWithValue("price", price);
        return await command.ExecuteScalarAsync(cancellationToken) is decimal old ? old : null;
    }
}
