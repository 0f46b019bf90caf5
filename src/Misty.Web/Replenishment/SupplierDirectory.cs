using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Replenishment;

/// <summary>The suppliers and supplier_pricing rows.</summary>
public sealed class SupplierDirectory(NpgsqlDataSource database)
{
    private const string Columns = "supplier_id, name, email, phone, address, avg_delivery_days, reliability_score, created_at, updated_at";

    public async Task<(IReadOnlyList<SupplierResponse> Items, long Total)> ListAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT {Columns} FROM suppliers WHERE deleted_at IS NULL ORDER BY name, supplier_id LIMIT @limit OFFSET @offset;
            SELECT count(*) FROM suppliers WHERE deleted_at IS NULL;
            """);
        command.Parameters.AddWithValue("limit", pageSize);
        command.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = await ReadAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (items, reader.GetInt64(0));
    }

    public async Task<SupplierResponse?> GetAsync(Guid supplierId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM suppliers WHERE supplier_id = @id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("id", supplierId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return (await ReadAsync(reader, cancellationToken)).FirstOrDefault();
    }

    public async Task<SupplierResponse> CreateAsync(SupplierRequest request, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            INSERT INTO suppliers (name, email, phone, address, avg_delivery_days, reliability_score)
            VALUES (@name, @email, @phone, @address, @days, @reliability) RETURNING {Columns}
            """);
        Bind(command, request);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return (await ReadAsync(reader, cancellationToken))[0];
    }

    /// <returns>The supplier as stored, or null when there is no such supplier.</returns>
    public async Task<SupplierResponse?> UpdateAsync(Guid supplierId, SupplierRequest request, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            UPDATE suppliers SET name = @name, email = @email, phone = @phone, address = @address, avg_delivery_days = @days,
                reliability_score = @reliability
            WHERE supplier_id = @id AND deleted_at IS NULL RETURNING {Columns}
            """);
        Bind(command, request);
        command.Parameters.AddWithValue("id", supplierId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return (await ReadAsync(reader, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<PriceResponse>> PricesAsync(Guid supplierId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT pricing_id, album_id, unit_price, minimum_order_quantity, pack_size, effective_from, effective_to
            FROM supplier_pricing WHERE supplier_id = @id AND deleted_at IS NULL ORDER BY album_id, effective_from
            """);
        command.Parameters.AddWithValue("id", supplierId);
        var prices = new List<PriceResponse>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            prices.Add(new PriceResponse(reader.GetGuid(0), reader.GetGuid(1), reader.GetDecimal(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.GetFieldValue<DateOnly>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6)));
        }

        return prices;
    }

    /// <summary>Albums of <paramref name="albumIds"/> that do not exist (or were deleted).</summary>
    public async Task<IReadOnlySet<Guid>> MissingAlbumsAsync(IReadOnlyCollection<Guid> albumIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT album_id FROM albums WHERE album_id = ANY(@ids) AND deleted_at IS NULL");
        command.Parameters.AddWithValue("ids", albumIds.ToArray());
        var found = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetGuid(0));
        }

        return albumIds.Where(id => !found.Contains(id)).ToHashSet();
    }

    /// <summary>Replaces the supplier's price list in one transaction: the old rows are kept as deleted, for the history.</summary>
    public async Task ReplacePricesAsync(Guid supplierId, IReadOnlyList<PriceRequest> prices, DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var retire = new NpgsqlCommand("UPDATE supplier_pricing SET deleted_at = now() WHERE supplier_id = @id AND deleted_at IS NULL",
            connection, transaction))
        {
            retire.Parameters.AddWithValue("id", supplierId);
            await retire.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var price in prices)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO supplier_pricing (supplier_id, album_id, unit_price, minimum_order_quantity, pack_size, effective_from, effective_to)
                VALUES (@supplier, @album, @price, @minimum, @pack, @from, @to)
                """, connection, transaction);
            insert.Parameters.AddWithValue("supplier", supplierId);
            insert.Parameters.AddWithValue("album", price.AlbumId!.Value);
            insert.Parameters.AddWithValue("price", price.UnitPrice!.Value);
            insert.Parameters.AddWithValue("minimum", price.MinimumOrderQuantity ?? 1);
            insert.Parameters.AddWithValue("pack", price.PackSize ?? 1);
            insert.Parameters.AddWithValue("from", price.EffectiveFrom ?? today);
            insert.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = (object?)price.EffectiveTo ?? DBNull.Value });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static void Bind(NpgsqlCommand command, SupplierRequest request)
    {
        command.Parameters.AddWithValue("name", request.Name!.Trim());
        command.Parameters.Add(new NpgsqlParameter("email", NpgsqlDbType.Varchar) { Value = (object?)request.Email?.Trim() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("phone", NpgsqlDbType.Varchar) { Value = (object?)request.Phone?.Trim() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("address", NpgsqlDbType.Text) { Value = (object?)request.Address ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("days", NpgsqlDbType.Numeric) { Value = (object?)request.AvgDeliveryDays ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("reliability", NpgsqlDbType.Numeric) { Value = (object?)request.ReliabilityScore ?? DBNull.Value });
    }

    private static async Task<List<SupplierResponse>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var items = new List<SupplierResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new SupplierResponse(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetDecimal(5), reader.IsDBNull(6) ? null : reader.GetDecimal(6),
                reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return items;
    }
}
