using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Persistence;

namespace Misty.Grains.Reservations;

/// <summary>
/// Holds every line of a reservation on the albums' inventory grains, or none: a line that cannot be held
/// releases the others before the caller hears 409. To answer after one storage flush rather than two in a row, a
/// reservation's record is written while its holds are made, and a release's while the holds are released; the
/// caller hears only after both are stored. A crash between the two can leave a record whose holds were never
/// stored, or holds whose record was not: a retry with the same Idempotency-Key (same reservation id) re-asserts the
/// record's holds, a retried release releases them again, and holds nobody retries expire with their TTL.
/// <para>
/// A single-album reservation made by <see cref="ReservationDesk"/> (<see cref="ReservationState.AlbumHomed"/>) lives
/// in its album's hold, and its record says "held" until a commit or extension writes it: while it does, the status is
/// the album's. Such a hold leaves no trace on its album once it ended (see <c>StockHold.ForgetWhenEnded</c>), so it reads
/// as released before its expiry and expired after it: a reservation released and looked up after its expiry time
/// reads as expired. Nothing is held either way.
/// </para>
/// </summary>
[GrainType("reservation")]
public sealed class ReservationGrain(
    [PersistentState("reservation", BatchedGrainStorage.Name)] IPersistentState<ReservationState> state,
    TimeProvider clock) : Grain, IReservationGrain
{
    /// <summary>A commit needs this much time left, so that no album's hold expires halfway through it.</summary>
    private static readonly TimeSpan CommitMargin = TimeSpan.FromSeconds(5);

    /// <summary>No call of this activation has run yet (see <see cref="ReloadIfMissingAsync"/>).</summary>
    private bool _firstCall = true;

    private Guid ReservationId => this.GetPrimaryKey();

    public async Task<ReservationOutcome> CreateAsync(ReservationRequest request)
    {
        await ReloadIfMissingAsync();
        if (state.State.Exists)
        {
            // An album-homed record is stored in the same transaction as its hold: there is nothing to re-assert.
            return state.State.RequestHash != request.RequestHash ? Fail(ReservationResult.KeyReused)
                : CurrentStatus() == ReservationStatus.Held && !state.State.AlbumHomed ? await ReassertHoldsAsync()
                : await OkAsync();
        }

        var now = clock.GetUtcNow();
        var expiresAt = now + request.Ttl;
        state.State.Exists = true;
        state.State.Status = ReservationStatus.Held;
        state.State.Lines = [.. request.Lines];
        state.State.CreatedAt = now;
        state.State.ExpiresAt = expiresAt;
        state.State.Caller = request.Caller;
        state.State.RequestHash = request.RequestHash;
        var recorded = state.WriteStateAsync();
        var holding = HoldAllAsync(expiresAt);
        try
        {
            await Task.WhenAll(recorded, holding);
        }
        catch when (holding.IsCompletedSuccessfully)
        {
            // The record was not stored, so the caller hears an error: the holds made for it go too.
            await UndoAllAsync(request.HoldTag);
            throw;
        }

        var outcomes = await holding;
        if (outcomes.Any(outcome => outcome.Status != HoldStatus.Held))
        {
            var refused = Refused(outcomes);
            await ClearAsync(request.HoldTag);
            return refused;
        }

        // A hold stored by an earlier attempt of this request keeps its expiry; the record follows the holds.
        var heldUntil = outcomes.Min(outcome => outcome.ExpiresAt!.Value);
        if (heldUntil != state.State.ExpiresAt)
        {
            state.State.ExpiresAt = heldUntil;
            await state.WriteStateAsync();
        }

        return Ok();
    }

    public async Task<ReservationView?> GetAsync()
    {
        await ReloadIfMissingAsync();
        return state.State.Exists ? await ViewAsync() : null;
    }

    public async Task<ReservationOutcome> ReleaseAsync()
    {
        await ReloadIfMissingAsync();
        if (!state.State.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

        await FollowAlbumAsync();
        var current = CurrentStatus();
        if (current == ReservationStatus.Committed)
        {
            return Fail(ReservationResult.WrongState);
        }

        if (state.State.AlbumHomed)
        {
            // The album's stored hold is the status: releasing it is the whole release.
            var released = await Inventory(state.State.Lines[0].AlbumId).ReleaseAsync(ReservationId);
            if (released.Status == HoldStatus.Committed)
            {
                state.State.Status = ReservationStatus.Committed;
                return Fail(ReservationResult.WrongState);
            }

            state.State.Status = released.Status == HoldStatus.Expired || current == ReservationStatus.Expired ? ReservationStatus.Expired : ReservationStatus.Released;
            LeaveMemory();
            return Ok();
        }

        // Expired holds may not have been swept yet: releasing them is harmless and frees them at once. A retried
        // release releases again, in case a crash came between storing the record and storing the release.
        var releasing = ReleaseAllAsync();
        var ended = current == ReservationStatus.Expired ? ReservationStatus.Expired : ReservationStatus.Released;
        if (state.State.Status != ended)
        {
            state.State.Status = ended;
            await Task.WhenAll(state.WriteStateAsync(), releasing);
        }
        else
        {
            await releasing;
        }

        LeaveMemory();
        return Ok();
    }

    public async Task<ReservationOutcome> ReleaseOwnAsync(string caller)
    {
        await ReloadIfMissingAsync();
        return state.State.Exists && state.State.Caller == caller
            ? await ReleaseAsync()
            : new ReservationOutcome(ReservationResult.NotFound, null, []);
    }

    public async Task<ReservationOutcome> CommitAsync(Guid? orderId)
    {
        await ReloadIfMissingAsync();
        if (!state.State.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

        await FollowAlbumAsync();

        if (state.State.Status == ReservationStatus.Committed)
        {
            return Ok();
        }

        if (CurrentStatus() != ReservationStatus.Held || state.State.ExpiresAt - clock.GetUtcNow() < CommitMargin)
        {
            return Fail(ReservationResult.WrongState);
        }

        var outcomes = await Task.WhenAll(state.State.Lines.Select(line => Inventory(line.AlbumId).CommitHoldAsync(ReservationId, orderId, null)));
        if (outcomes.Any(outcome => outcome.Status != HoldStatus.Committed))
        {
            // Only reachable when a hold ended despite the margin: put back what was sold, so it is all or none.
            await Task.WhenAll(state.State.Lines.Zip(outcomes)
                .Where(pair => pair.Second.Status == HoldStatus.Committed)
                .Select(pair => Inventory(pair.First.AlbumId).ChangeStockAsync(
                    new StockChange(StockChangeKind.Return, pair.First.Quantity, null, $"undo partial commit of reservation {ReservationId}", null, orderId,
                        StockChange.KeyFor("undo-commit", ReservationId, pair.First.AlbumId.ToString("N"))))));
            state.State.Status = ReservationStatus.Expired;
            await state.WriteStateAsync();
            return Fail(ReservationResult.WrongState);
        }

        state.State.Status = ReservationStatus.Committed;
        state.State.OrderId = orderId;
        await state.WriteStateAsync();
        LeaveMemory();
        return Ok();
    }

    public async Task<ReservationOutcome> ExtendAsync(TimeSpan ttl)
    {
        await ReloadIfMissingAsync();
        if (!state.State.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

        await FollowAlbumAsync();

        if (CurrentStatus() != ReservationStatus.Held)
        {
            return Fail(ReservationResult.WrongState);
        }

        var expiresAt = clock.GetUtcNow() + ttl;
        var outcomes = await Task.WhenAll(state.State.Lines.Select(line => Inventory(line.AlbumId).ExtendAsync(ReservationId, expiresAt)));
        if (outcomes.Any(outcome => outcome.Status != HoldStatus.Held))
        {
            // One hold ran out before it could be extended: the reservation as a whole has expired.
            await ReleaseAllAsync();
            state.State.Status = ReservationStatus.Expired;
            await state.WriteStateAsync();
            return Fail(ReservationResult.WrongState);
        }

        // An album-homed hold ends on a whole second (its expiry bucket): the record follows the hold.
        state.State.ExpiresAt = outcomes.Min(outcome => outcome.ExpiresAt) ?? expiresAt;
        await state.WriteStateAsync();
        return Ok();
    }

    /// <summary>
    /// A retry of a held reservation: holds that a crash kept from being stored are made again (holding the same
    /// reservation id twice is a no-op), so the answer is only "held" when the holds are.
    /// </summary>
    private async Task<ReservationOutcome> ReassertHoldsAsync()
    {
        var outcomes = await HoldAllAsync(state.State.ExpiresAt);
        if (outcomes.All(outcome => outcome.Status == HoldStatus.Held))
        {
            return Ok();
        }

        var refused = Refused(outcomes);
        await ClearAsync(HoldTag);
        return refused;
    }

    /// <summary>Releases every line; a line with no hold of this reservation is left as it is.</summary>
    private Task<HoldOutcome[]> ReleaseAllAsync() =>
        Task.WhenAll(state.State.Lines.Select(line => Inventory(line.AlbumId).ReleaseAsync(ReservationId)));

    private Task<HoldOutcome[]> HoldAllAsync(DateTimeOffset expiresAt) =>
        Task.WhenAll(state.State.Lines.Select(line => Inventory(line.AlbumId).HoldAsync(ReservationId, line.Quantity, expiresAt, HoldTag)));

    /// <summary>Takes back this request's unacknowledged holds, leaving no trace that would refuse a retry.</summary>
    private Task<HoldOutcome[]> UndoAllAsync(long tag) =>
        Task.WhenAll(state.State.Lines.Select(line => Inventory(line.AlbumId).UndoHoldAsync(ReservationId, tag)));

    /// <summary>
    /// Undoes a refused reservation: its held lines are taken back and its record emptied (a batched write, where a
    /// clear would commit on its own), so nothing stays held and a retry is judged like a new request.
    /// </summary>
    private async Task ClearAsync(long tag)
    {
        await UndoAllAsync(tag);
        state.State = new ReservationState();
        await state.WriteStateAsync();
        LeaveMemory();
    }

    private long HoldTag => ReservationRequest.TagOf(state.State.RequestHash);

    /// <summary>
    /// <see cref="ReservationDesk"/> stores album-homed records without activating this grain: an activation that found
    /// no record (a lookup before the desk stored it) looks again rather than answer "not found" for its lifetime. The
    /// first call needs no second look: activation read the record just before it.
    /// </summary>
    private async Task ReloadIfMissingAsync()
    {
        if (!state.State.Exists && !_firstCall)
        {
            await state.ReadStateAsync();
        }

        _firstCall = false;
    }

    /// <summary>
    /// An album-homed record says "held" until a commit; the album's hold says how it really stands. A hold the album
    /// does not know has ended: released before its expiry, expired after it (see the class remarks).
    /// </summary>
    private async Task FollowAlbumAsync()
    {
        if (!state.State.AlbumHomed || state.State.Status != ReservationStatus.Held)
        {
            return;
        }

        var hold = await Inventory(state.State.Lines[0].AlbumId).PeekHoldAsync(ReservationId);
        switch (hold.Status)
        {
            case HoldStatus.Held:
                state.State.ExpiresAt = hold.ExpiresAt!.Value;
                break;
            case HoldStatus.Committed:
                state.State.Status = ReservationStatus.Committed;
                break;
            case HoldStatus.Expired:
                state.State.Status = ReservationStatus.Expired;
                break;
            default:
                state.State.Status = clock.GetUtcNow() >= state.State.ExpiresAt ? ReservationStatus.Expired : ReservationStatus.Released;
                break;
        }
    }

    private async Task<ReservationView> ViewAsync()
    {
        await FollowAlbumAsync();
        return View();
    }

    private async Task<ReservationOutcome> OkAsync() => new(ReservationResult.Ok, await ViewAsync(), []);

    /// <summary>
    /// An ended or refused reservation holds nothing live: it leaves memory now, not after the idle collection age (a
    /// busy storefront ends thousands a minute), and a later call reads it back from storage.
    /// </summary>
    private void LeaveMemory() => DeactivateOnIdle();

    private ReservationOutcome Refused(HoldOutcome[] outcomes)
    {
        var shortages = state.State.Lines.Zip(outcomes)
            .Where(pair => pair.Second.Status != HoldStatus.Held)
            .Select(pair => new LineShortage(pair.First.AlbumId, pair.First.Quantity, pair.Second.Available))
            .ToList();
        var result = outcomes.Any(outcome => outcome.Status == HoldStatus.UnknownAlbum) ? ReservationResult.UnknownAlbum : ReservationResult.Insufficient;
        return new ReservationOutcome(result, null, shortages);
    }

    private ReservationStatus CurrentStatus() =>
        state.State.Status == ReservationStatus.Held && clock.GetUtcNow() >= state.State.ExpiresAt ? ReservationStatus.Expired : state.State.Status;

    private ReservationView View() => new(ReservationId, CurrentStatus(), state.State.Lines, state.State.CreatedAt,
        state.State.ExpiresAt, state.State.Caller, state.State.OrderId);

    private ReservationOutcome Ok() => new(ReservationResult.Ok, View(), []);

    private ReservationOutcome Fail(ReservationResult result) => new(result, state.State.Exists ? View() : null, []);

    private IInventoryGrain Inventory(Guid albumId) => GrainFactory.GetGrain<IInventoryGrain>(albumId);
}
