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
