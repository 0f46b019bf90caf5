using Misty.Grains.Interfaces.Inventory;

namespace Misty.Grains.Inventory;

/// <summary>The catalog row an inventory grain starts from the first time it activates.</summary>
public sealed record InventoryRow(string Sku, int Quantity, int ReorderPoint, int OptimalStockLevel, DateTimeOffset? LastRestockDate);

/// <summary>
/// The relational side of an album's inventory: where a new grain finds its album, and where its state is
/// projected (the inventory row and the inventory_transactions ledger).
/// </summary>
public interface IInventoryStore
{
    /// <returns>The album's inventory row, or null when the album does not exist.</returns>
    Task<InventoryRow?> LoadAsync(Guid albumId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the ledger entries and the row as of <paramref name="snapshot"/>; idempotent, so a replay changes nothing.
    /// The row only moves forward in version, unless <paramref name="overwrite"/> rebuilds it from the grain whatever it holds.
    /// </summary>
    Task ProjectAsync(InventorySnapshot snapshot, IReadOnlyList<LedgerEntry> ledger, bool overwrite, CancellationToken cancellationToken);
}
