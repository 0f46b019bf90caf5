namespace Misty.Grains.Interfaces.Inventory;

/// <summary>
/// The live inventory of one album (key: album_id): stock on hand, holds for reservations and the stock ledger.
/// Every answered change is stored: concurrent calls are written together (group commit), never acknowledged early.
/// </summary>
[Alias("Misty.IInventoryGrain")]
public interface IInventoryGrain : IGrainWithGuidKey
{
    /// <returns>The current stock, or null when the album does not exist.</returns>
    [Alias("Get")]
    Task<InventorySnapshot?> GetAsync();

    /// <param name="tag">
    /// Tells the request that made the hold (<see cref="Misty.Grains.Interfaces.Reservations.ReservationRequest.HoldTag"/>): holding the same
    /// reservation id again is a no-op for the same tag and <see cref="HoldStatus.KeyReused"/> for another; 0 matches any.
    /// </param>
    [Alias("Hold")]
    Task<HoldOutcome> HoldAsync(Guid reservationId, int quantity, DateTimeOffset expiresAt, long tag = 0);

    /// <summary>
    /// Holds a single-album reservation here and stores its record (keyed by reservation id) in the same write as the
    /// hold, so one is never stored without the other. The record is inserted only if the key has none: when it had
    /// one, the hold made here is still stored and the caller decides whether to take it back.
    /// </summary>
    [Alias("Reserve")]
    Task<AlbumReservation> ReserveAsync(Guid reservationId, Reservations.ReservationRequest request);

    /// <summary>
    /// Takes back a hold that was never acknowledged (its reservation could not be recorded, or was refused), as if it
    /// had never been made, so that a retry is judged afresh; only a hold with this <paramref name="tag"/> goes.
    /// </summary>
    [Alias("UndoHold")]
    Task<HoldOutcome> UndoHoldAsync(Guid reservationId, long tag);

    /// <summary>What this album knows of a reservation's hold, changing nothing: held (with its expiry), how it ended, or not found.</summary>
    [Alias("PeekHold")]
    Task<HoldOutcome> PeekHoldAsync(Guid reservationId);

    [Alias("Release")]
    Task<HoldOutcome> ReleaseAsync(Guid reservationId);

    /// <summary>Turns a hold into a sale: the units leave stock and a sale row joins the ledger.</summary>
    [Alias("CommitHold")]
    Task<HoldOutcome> CommitHoldAsync(Guid reservationId, Guid? orderId, decimal? unitPrice);

    [Alias("Extend")]
    Task<HoldOutcome> ExtendAsync(Guid reservationId, DateTimeOffset expiresAt);

    /// <summary>Applies a restock, adjustment or return: a change of quantity on hand with its ledger row.</summary>
    [Alias("ChangeStock")]
    Task<StockChangeOutcome> ChangeStockAsync(StockChange change);

    /// <summary>Rewrites the album's inventory row from the stored grain state; false when there is no stored state.</summary>
    [Alias("RebuildProjection")]
    Task<bool> RebuildProjectionAsync();
}
