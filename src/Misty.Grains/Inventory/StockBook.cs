using Misty.Grains.Interfaces.Inventory;

namespace Misty.Grains.Inventory;

/// <summary>
/// The rules of one album's stock, as plain logic over <see cref="InventoryState"/>: holds never exceed what is
/// available, expired holds never count, every change of quantity is a ledger entry, and every change of state
/// raises the version by exactly one.
/// </summary>
public sealed class StockBook(InventoryState state, TimeProvider clock)
{
    /// <summary>How many ended holds are remembered for retries; bounded so the state stays small.</summary>
    public const int EndedHoldsKept = 128;

    public InventoryState State => state;

    /// <summary>The holds of album-homed reservations (made with <c>forgetWhenEnded</c>): counted in the expiry index.</summary>
    public AlbumHolds Homed { get; } = new(state, clock);

    /// <summary>Whether nothing in memory tells this id's hold: an album-homed hold made before this activation must be loaded first.</summary>
    public bool MustLoad(Guid reservationId) =>
        !state.Holds.ContainsKey(reservationId) && !state.Ended.ContainsKey(reservationId) && !Homed.Knows(reservationId);

    public int Reserved
    {
        get
        {
            var now = clock.GetUtcNow();
            var reserved = Homed.Reserved;
            foreach (var hold in state.Holds.Values)
            {
                if (hold.ExpiresAt > now)
                {
                    reserved += hold.Quantity;
                }
            }

            return reserved;
        }
    }

    public int Available => state.Quantity - Reserved;

    public InventorySnapshot Snapshot(Guid albumId) =>
        new(albumId, state.Sku, state.Quantity, Reserved, state.ReorderPoint, state.OptimalStockLevel, state.Version, state.LastRestockDate);

    /// <param name="tag">The request making the hold: the same id held again is a no-op for its own request, refused for another; 0 matches any.</param>
    /// <param name="forgetWhenEnded">See <see cref="StockHold.ForgetWhenEnded"/>.</param>
    public HoldOutcome Hold(Guid reservationId, int quantity, DateTimeOffset expiresAt, long tag = 0, bool forgetWhenEnded = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (forgetWhenEnded && !state.Holds.ContainsKey(reservationId))
        {
            return HoldHomed(reservationId, quantity, expiresAt, tag);
        }

        var now = clock.GetUtcNow();
        if (state.Holds.TryGetValue(reservationId, out var existing) && existing.ExpiresAt > now)
        {
            return SameRequest(existing.Tag, tag)
                ? new HoldOutcome(HoldStatus.Held, Available, existing.ExpiresAt)
                : new HoldOutcome(HoldStatus.KeyReused, Available, null);
        }

        if (state.Ended.TryGetValue(reservationId, out var ended))
        {
            return new HoldOutcome(ended.Status, Available, null);
        }

        if (existing is not null)
        {
            // A retry after its own hold expired: that hold ends, and the retry is judged like a new request.
            End(reservationId, HoldStatus.Expired, now);
        }

        var available = Available;
        if (available < quantity)
        {
            return new HoldOutcome(HoldStatus.Insufficient, available, null);
        }

        state.Holds[reservationId] = new StockHold(quantity, expiresAt, tag, forgetWhenEnded);
        state.Version++;
        return new HoldOutcome(HoldStatus.Held, available - quantity, expiresAt);
    }

    /// <summary>
    /// An album-homed hold: only the expiry index counts it. An ended hold leaves no mark that refuses its id: the
    /// reservation's record keeps retries from holding again (see <see cref="StockHold.ForgetWhenEnded"/>).
    /// </summary>
    private HoldOutcome HoldHomed(Guid reservationId, int quantity, DateTimeOffset expiresAt, long tag)
    {
        if (Homed.IsOpen(reservationId, out var open))
        {
            return SameRequest(open.Tag, tag)
                ? new HoldOutcome(HoldStatus.Held, Available, open.ExpiresAt)
                : new HoldOutcome(HoldStatus.KeyReused, Available, null);
        }

        var available = Available;
        if (available < quantity)
        {
            return new HoldOutcome(HoldStatus.Insufficient, available, null);
        }

        var until = AlbumHolds.RoundUp(expiresAt);
        Homed.Add(reservationId, quantity, until, tag);
        state.Version++;
        return new HoldOutcome(HoldStatus.Held, available - quantity, until);
    }

    /// <summary>
    /// Takes back an unacknowledged hold of this request as if it had never been made: no ended entry remains, so a
    /// retry of the request is judged afresh. Anything else (another request's hold, no hold) is left as it is.
    /// </summary>
    public HoldOutcome Undo(Guid reservationId, long tag)
    {
        if (Homed.Tracks(reservationId, out var homed) && SameRequest(homed.Tag, tag) && !state.Holds.ContainsKey(reservationId))
        {
            Homed.Remove(reservationId, how: null);
            state.Version++;
            return new HoldOutcome(HoldStatus.NotFound, Available, null);
        }

        if (!state.Holds.TryGetValue(reservationId, out var hold) || !SameRequest(hold.Tag, tag))
        {
            return Peek(reservationId);
        }

        state.Holds.Remove(reservationId);
        state.Version++;
        return new HoldOutcome(HoldStatus.NotFound, Available, null);
    }

    /// <summary>The hold of a reservation as it stands now, without changing anything; an expired hold reads as expired.</summary>
    public HoldOutcome Peek(Guid reservationId) =>
        state.Holds.TryGetValue(reservationId, out var hold)
            ? hold.ExpiresAt > clock.GetUtcNow() ? new HoldOutcome(HoldStatus.Held, Available, hold.ExpiresAt) : new HoldOutcome(HoldStatus.Expired, Available, null)
            : Homed.IsOpen(reservationId, out var homed) ? new HoldOutcome(HoldStatus.Held, Available, homed.ExpiresAt)
            : Ended(reservationId);

    public HoldOutcome Release(Guid reservationId) => EndHold(reservationId, HoldStatus.Released, commit: null);

    public HoldOutcome Commit(Guid reservationId, Guid? orderId, decimal? unitPrice) =>
        EndHold(reservationId, HoldStatus.Committed, (orderId, unitPrice));

    public HoldOutcome Extend(Guid reservationId, DateTimeOffset expiresAt)
    {
        var now = clock.GetUtcNow();
        if (!state.Holds.TryGetValue(reservationId, out var hold))
        {
            if (!Homed.IsOpen(reservationId, out _))
            {
                return Ended(reservationId);
            }

            var until = AlbumHolds.RoundUp(expiresAt);
            Homed.Move(reservationId, until);
            state.Version++;
            return new HoldOutcome(HoldStatus.Held, Available, until);
        }

        if (hold.ExpiresAt <= now)
        {
            End(reservationId, HoldStatus.Expired, now);
            state.Version++;
            return new HoldOutcome(HoldStatus.Expired, Available, null);
        }

        state.Holds[reservationId] = hold with { ExpiresAt = expiresAt };
        state.Version++;
        return new HoldOutcome(HoldStatus.Held, Available, expiresAt);
    }

    public StockChangeOutcome Change(Guid albumId, StockChange change)
    {
        if (change.Kind == StockChangeKind.Sale)
        {
            throw new ArgumentException("Sales come from committed holds.", nameof(change));
        }

        var quantity = state.Quantity + change.Delta;
        if (change.Delta == 0 || quantity < Reserved)
        {
            return new StockChangeOutcome(StockChangeStatus.WouldGoNegative, Snapshot(albumId));
        }

        var now = clock.GetUtcNow();
        state.Quantity = quantity;
        if (change.Kind == StockChangeKind.Restock)
        {
            state.LastRestockDate = now;
        }

        // A keyed change's ledger row is named by its key, so even its projection happens once.
        state.PendingLedger.Add(new LedgerEntry(change.Key ?? Guid.NewGuid(), change.Kind, change.Delta, change.UnitPrice, change.Notes, change.UserId, change.OrderId, now));
        state.Version++;
        return new StockChangeOutcome(StockChangeStatus.Applied, Snapshot(albumId));
    }

    /// <summary>Ends every hold whose time is up; returns how many ended.</summary>
    public int ExpireDue()
    {
        var now = clock.GetUtcNow();
        var due = state.Holds.Where(hold => hold.Value.ExpiresAt <= now).Select(hold => hold.Key).ToList();
        foreach (var reservationId in due)
        {
            End(reservationId, HoldStatus.Expired, now);
        }

        var expired = due.Count + Homed.ExpireDue();
        if (expired > 0)
        {
            state.Version++;
        }

        return expired;
    }

    /// <summary>
    /// Whether available stock is now at or below the reorder point when it was not before; announces once per
    /// crossing, and re-arms when stock rises above the point again.
    /// </summary>
    public bool CrossedReorderPoint()
    {
        var low = Available <= state.ReorderPoint;
        var crossed = low && !state.LowStockAnnounced;
        state.LowStockAnnounced = low;
        return crossed;
    }

    private HoldOutcome EndHold(Guid reservationId, HoldStatus outcome, (Guid? OrderId, decimal? UnitPrice)? commit)
    {
        var now = clock.GetUtcNow();
        if (!state.Holds.TryGetValue(reservationId, out var hold))
        {
            if (!Homed.IsOpen(reservationId, out _))
            {
                return Ended(reservationId);
            }

            hold = new StockHold(Homed.Remove(reservationId, outcome).Quantity, default);
        }
        else if (hold.ExpiresAt <= now)
        {
            End(reservationId, HoldStatus.Expired, now);
            state.Version++;
            return new HoldOutcome(HoldStatus.Expired, Available, null);
        }
        else
        {
            End(reservationId, outcome, now);
        }

        if (commit is { } sale)
        {
            state.Quantity -= hold.Quantity;
            state.PendingLedger.Add(new LedgerEntry(Guid.NewGuid(), StockChangeKind.Sale, -hold.Quantity, sale.UnitPrice,
                $"reservation {reservationId}", null, sale.OrderId, now));
        }

        state.Version++;
        return new HoldOutcome(outcome, Available, null);
    }

    private static bool SameRequest(long heldTag, long tag) => heldTag == 0 || tag == 0 || heldTag == tag;

    private HoldOutcome Ended(Guid reservationId) =>
        new(Homed.NotOpen(reservationId) ?? (state.Ended.TryGetValue(reservationId, out var ended) ? ended.Status : HoldStatus.NotFound), Available, null);

    private void End(Guid reservationId, HoldStatus status, DateTimeOffset now)
    {
        if (state.Holds.Remove(reservationId, out var hold) && hold.ForgetWhenEnded)
        {
            return;
        }

        state.Ended[reservationId] = new EndedHold(status, now);
        if (state.Ended.Count > EndedHoldsKept)
        {
            state.Ended.Remove(state.Ended.MinBy(entry => entry.Value.EndedAt).Key);
        }
    }
}
