using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Dashboard;
using Misty.Grains.Interfaces.Inventory;
using Npgsql;

namespace Misty.Web.Dashboard;

/// <summary>The albums whose available stock is at or below their reorder point, fewest available first.</summary>
public sealed class LowStockSection(NpgsqlDataSource database) : IDashboardSection<LowStock>
{
    /// <summary>Enough to act on; a dashboard that shows more would not be read.</summary>
    public const int Limit = 25;

    private const string Sql = """
        SELECT a.album_id, a.sku, i.quantity - i.reserved_quantity AS available, i.reorder_point, i.version, i.updated_at, a.title, a.artist
        FROM inventory i
        JOIN albums a ON a.album_id = i.album_id
        WHERE a.deleted_at IS NULL AND i.quantity - i.reserved_quantity <= i.reorder_point
        ORDER BY available, a.sku
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<LowStock>> LoadAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(Sql, Limit, reader => new LowStock(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2),
            reader.GetInt32(3), reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetString(7)), cancellationToken);
}

/// <summary>The latest figures of the metrics grain.</summary>
public sealed class MetricsSection(IGrainFactory grains) : IDashboardSection<MetricsTick>
{
    public async Task<IReadOnlyList<MetricsTick>> LoadAsync(CancellationToken cancellationToken) =>
        [await grains.GetGrain<IDashboardMetricsGrain>(MistyStreams.AllKey).GetAsync()];
}
