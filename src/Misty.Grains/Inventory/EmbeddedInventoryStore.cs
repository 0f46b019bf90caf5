using Misty.Grains.Interfaces.Inventory;

namespace Misty.Grains.Inventory;

/// <summary>The embedded in-memory mode has no catalog rows: no album exists there, and nothing is projected.</summary>
public sealed class EmbeddedInventoryStore : IInventoryStore
{
    public Task<InventoryRow?> LoadAsync(Guid albumId, CancellationToken cancellationToken) => Task.FromResult<InventoryRow?>(null);

    public Task ProjectAsync(InventorySnapshot snapshot, IReadOnlyList<LedgerEntry> ledger, bool overwrite, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
