using Misty.Grains.Interfaces.Inventory;

namespace Misty.Grains.Inventory;

[GenerateSerializer, Alias("Misty.InventoryState")]
public sealed class InventoryState
{
    /// <summary>False until the grain has loaded its album from the catalog; an unknown album stays false.</summary>
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Sku { get; set; } = "";
    [Id(2)] public int Quantity { get; set; }
    [Id(3)] public int ReorderPoint { get; set; }
    [Id(4)] public int OptimalStockLevel { get; set; }
    [Id(5)] public DateTimeOffset? LastRestockDate { get; set; }
    [Id(6)] public long Version { get; set; }
    [Id(7)] public Dictionary<Guid, StockHold> Holds { get; set; } = [];
    /// <summary>Recently ended holds, so a retried release or commit gets the same answer.</summary>
    [Id(8)] public Dictionary<Guid, EndedHold> Ended { get; set; } = [];
    /// <summary>The outbox: ledger rows stored here first, then projected to inventory_transactions.</summary>
    [Id(9)] public List<LedgerEntry> PendingLedger { get; set; } = [];
    /// <summary>Whether LowStock was announced since available last rose above the reorder point.</summary>
    [Id(10)] public bool LowStockAnnounced { get; set; }
    /// <summary>
    /// The expiry index of album-homed holds, sorted by second: its size follows the spread of expiry times, never the
    /// number of holds (see <see cref="AlbumHolds"/>). <see cref="Holds"/> keeps only holds of multi-album reservations.
    /// </summary>
    [Id(11)] public List<ExpiryBucket> Expiry { get; set; } = [];
}

/// <param name="Tag">The request that made the hold (see <c>ReservationRequest.HoldTag</c>); 0 in holds stored before tags.</param>
/// <param name="ForgetWhenEnded">
/// The hold of an album-homed reservation: when it ends it leaves no <see cref="EndedHold"/>, because its record already
/// keeps retries from holding again, and its status follows from its expiry (see <c>ReservationGrain</c>). Ended entries
/// are most of a busy album's stored state, which is written on every change.
/// </param>
[GenerateSerializer, Alias("Misty.StockHold")]
public sealed record StockHold(
    [property: Id(0)] int Quantity,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] long Tag = 0,
    [property: Id(3)] bool ForgetWhenEnded = false);

/// <summary>The album-homed holds that expire in one second: <paramref name="At"/> in Unix seconds.</summary>
[GenerateSerializer, Alias("Misty.ExpiryBucket")]
public sealed record ExpiryBucket([property: Id(0)] long At, [property: Id(1)] int Units, [property: Id(2)] int Holds);

[GenerateSerializer, Alias("Misty.EndedHold")]
public sealed record EndedHold([property: Id(0)] HoldStatus Status, [property: Id(1)] DateTimeOffset EndedAt);

/// <summary>One inventory_transactions row; its id makes the projection idempotent.</summary>
[GenerateSerializer, Alias("Misty.LedgerEntry")]
public sealed record LedgerEntry(
    [property: Id(0)] Guid TransactionId,
    [property: Id(1)] StockChangeKind Kind,
    [property: Id(2)] int QuantityChange,
    [property: Id(3)] decimal? UnitPrice,
    [property: Id(4)] string? Notes,
    [property: Id(5)] Guid? UserId,
    [property: Id(6)] Guid? OrderId,
    [property: Id(7)] DateTimeOffset CreatedAt);
