using System.ComponentModel.DataAnnotations;
using Misty.Grains.Interfaces.Inventory;

namespace Misty.Web.Inventory;

public sealed record InventoryResponse(
    Guid AlbumId, string Sku, int Quantity, int Reserved, int Available, int ReorderPoint, int OptimalStockLevel,
    DateTimeOffset? LastRestockDate, long Version)
{
    public static InventoryResponse From(InventorySnapshot snapshot) => new(snapshot.AlbumId, snapshot.Sku, snapshot.Quantity,
        snapshot.Reserved, snapshot.Available, snapshot.ReorderPoint, snapshot.OptimalStockLevel, snapshot.LastRestockDate, snapshot.Version);
}

public sealed record RestockRequest([property: Required] int? Quantity, decimal? UnitCost, string? Notes);

public sealed record AdjustRequest([property: Required] int? Delta, [property: Required] string? Reason);

/// <param name="Closing">Units on hand at the end of the day.</param>
public sealed record StockDayResponse(DateOnly Day, int Sold, int Returned, int Restocked, int Adjusted, int Closing);

/// <param name="Kind">restock, sale, adjustment or return.</param>
public sealed record StockMovementResponse(
    Guid TransactionId, string Kind, int QuantityChange, decimal? UnitPrice, string? Notes, Guid? OrderId, DateTimeOffset CreatedAt);

/// <param name="Days">Oldest first, the last one today.</param>
/// <param name="Recent">The latest ledger rows, newest first.</param>
public sealed record StockHistoryResponse(Guid AlbumId, IReadOnlyList<StockDayResponse> Days, IReadOnlyList<StockMovementResponse> Recent);
