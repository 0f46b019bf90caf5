namespace Misty.Grains.Interfaces.Inventory;

[GenerateSerializer, Immutable, Alias("Misty.InventorySnapshot")]
public sealed record InventorySnapshot(
    [property: Id(0)] Guid AlbumId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Quantity,
    [property: Id(3)] int Reserved,
    [property: Id(4)] int ReorderPoint,
    [property: Id(5)] int OptimalStockLevel,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset? LastRestockDate)
{
    public int Available => Quantity - Reserved;
}

/// <summary>The inventory_transactions.transaction_type values that change quantity on hand.</summary>
[GenerateSerializer, Alias("Misty.StockChangeKind")]
public enum StockChangeKind
{
    Restock,
    Sale,
    Adjustment,
    Return,
}

/// <param name="Delta">Units added (positive) or removed (negative).</param>
/// <param name="UserId">The staff member who made the change; null for the system and the storefront.</param>
/// <param name="Key">
/// Makes the change apply once: the album remembers every key it applied (a row of its own, and the ledger row's id),
/// so a retry changes nothing and gets Applied, and another change under the same key gets KeyReused. Null: unkeyed.
/// </param>
[GenerateSerializer, Immutable, Alias("Misty.StockChange")]
public sealed record StockChange(
    [property: Id(0)] StockChangeKind Kind,
    [property: Id(1)] int Delta,
    [property: Id(2)] decimal? UnitPrice,
    [property: Id(3)] string? Notes,
    [property: Id(4)] Guid? UserId,
    [property: Id(5)] Guid? OrderId,
    [property: Id(6)] Guid? Key = null)
{
    /// <summary>A key derived from what the change is for (an order's line, a request's Idempotency-Key), the same on every retry.</summary>
    public static Guid KeyFor(string purpose, Guid scope, string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{purpose}\n{scope:N}\n{name}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}

[GenerateSerializer, Alias("Misty.HoldStatus")]
public enum HoldStatus
{
    /// <summary>The hold is (still) in place.</summary>
    Held,
    Released,
    Committed,
    Expired,
    /// <summary>Not enough available stock; nothing was held.</summary>
    Insufficient,
    UnknownAlbum,
    /// <summary>No such hold on this album.</summary>
    NotFound,
    /// <summary>This reservation id holds stock here for a different request: nothing was changed.</summary>
    KeyReused,
}

[GenerateSerializer, Immutable, Alias("Misty.HoldOutcome")]
public sealed record HoldOutcome(
    [property: Id(0)] HoldStatus Status,
    [property: Id(1)] int Available,
    [property: Id(2)] DateTimeOffset? ExpiresAt);

[GenerateSerializer, Alias("Misty.StockChangeStatus")]
public enum StockChangeStatus
{
    Applied,
    UnknownAlbum,
    /// <summary>The change would take quantity on hand below zero or below what is reserved.</summary>
    WouldGoNegative,
    /// <summary>Its key was used for another change: nothing was changed.</summary>
    KeyReused,
}

[GenerateSerializer, Immutable, Alias("Misty.StockChangeOutcome")]
public sealed record StockChangeOutcome(
    [property: Id(0)] StockChangeStatus Status,
    [property: Id(1)] InventorySnapshot? Inventory);

/// <summary>The answer to <see cref="IInventoryGrain.ReserveAsync"/>.</summary>
/// <param name="MadeHere">This call made the hold (rather than finding the same request's hold, or refusing).</param>
/// <param name="RecordedAt">When the reservation's record was stored with the hold; null when it was not (refused,
/// not made here, or the key had a record already).</param>
[GenerateSerializer, Immutable, Alias("Misty.AlbumReservation")]
public sealed record AlbumReservation(
    [property: Id(0)] HoldOutcome Hold,
    [property: Id(1)] bool MadeHere,
    [property: Id(2)] DateTimeOffset? RecordedAt);
