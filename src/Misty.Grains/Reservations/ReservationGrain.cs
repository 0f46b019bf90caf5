using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
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
    TimeProvider clock,
    ILogger<ReservationGrain> logger) : Grain, IReservationGrain
{
    private StatePipeline<ReservationState, object> _pipeline = null!;

    /// <summary>No call of this activation has run yet (see <see cref="ReloadIfMissingAsync"/>).</summary>
    private bool _firstCall = true;

    private Guid ReservationId => this.GetPrimaryKey();

    private ReservationState Record => _pipeline.Live;

    private ReservationBook Book => new(_pipeline.Live);

    private DateTimeOffset Now => clock.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = new StatePipeline<ReservationState, object>(this, state.State, new()
        {
            Write = state.Writer(),
        }, logger, $"reservation {ReservationId}");
        return Task.CompletedTask;
    }

    public async Task<ReservationOutcome> CreateAsync(ReservationRequest request)
    {
        await ReloadIfMissingAsync();
        if (Record.Exists)
        {
            // An album-homed record is stored in the same transaction as its hold: there is nothing to re-assert.
            return Record.RequestHash != request.RequestHash ? Fail(ReservationResult.KeyReused)
                : Book.MustReassert(Now) ? await ReassertHoldsAsync()
                : await OkAsync();
        }

        Book.Open(request, Now);
        var recorded = _pipeline.StoreAsync();
        var holding = HoldAllAsync(Record.ExpiresAt);
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
            var refused = Book.Refused(outcomes);
            await ClearAsync(request.HoldTag);
            return refused;
        }

        // A hold stored by an earlier attempt of this request keeps its expiry; the record follows the holds.
        var heldUntil = outcomes.Min(outcome => outcome.ExpiresAt!.Value);
        if (heldUntil != Record.ExpiresAt)
        {
            Record.ExpiresAt = heldUntil;
            await _pipeline.StoreAsync();
        }

        return Ok();
    }

    public async Task<ReservationView?> GetAsync()
    {
        await ReloadIfMissingAsync();
        return Record.Exists ? await ViewAsync() : null;
    }

    public async Task<ReservationOutcome> ReleaseAsync()
    {
        await ReloadIfMissingAsync();
        if (!Record.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

        await FollowAlbumAsync();
        var current = Book.Status(Now);
        if (current == ReservationStatus.Committed)
        {
            return Fail(ReservationResult.WrongState);
        }

        if (Record.AlbumHomed)
        {
            // The album's stored hold is the status: releasing it is the whole release.
            var released = await Inventory(Record.Lines[0].AlbumId).ReleaseAsync(ReservationId);
            if (released.Status == HoldStatus.Committed)
            {
                Book.Commit(Record.OrderId);
                return Fail(ReservationResult.WrongState);
            }

            Book.Release(current, albumSaysExpired: released.Status == HoldStatus.Expired);
            LeaveMemory();
            return Ok();
        }

        // Expired holds may not have been swept yet: releasing them is harmless and frees them at once. A retried
        // release releases again, in case a crash came between storing the record and storing the release.
        var releasing = ReleaseAllAsync();
        if (Book.Release(current))
        {
            await Task.WhenAll(_pipeline.StoreAsync(), releasing);
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
        return Record.Exists && Record.Caller == caller
            ? await ReleaseAsync()
            : new ReservationOutcome(ReservationResult.NotFound, null, []);
    }

    public async Task<ReservationOutcome> CommitAsync(Guid? orderId)
    {
        await ReloadIfMissingAsync();
        if (!Record.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

        await FollowAlbumAsync();
        if (Record.Status == ReservationStatus.Committed)
        {
            return Ok();
        }

        if (!Book.CanCommit(Now))
        {
            return Fail(ReservationResult.WrongState);
        }

        var outcomes = await Task.WhenAll(Record.Lines.Select(line => Inventory(line.AlbumId).CommitHoldAsync(ReservationId, orderId, null)));
        if (outcomes.Any(outcome => outcome.Status != HoldStatus.Committed))
        {
            // Only reachable when a hold ended despite the margin: put back what was sold, so it is all or none.
            await Task.WhenAll(Record.Lines.Zip(outcomes)
                .Where(pair => pair.Second.Status == HoldStatus.Committed)
                .Select(pair => Inventory(pair.First.AlbumId).ChangeStockAsync(
                    new StockChange(StockChangeKind.Return, pair.First.Quantity, null, $"undo partial commit of reservation {ReservationId}", null, orderId,
                        StockChange.KeyFor("undo-commit", ReservationId, pair.First.AlbumId.ToString("N"))))));
            Book.Expire();
            await _pipeline.StoreAsync();
            return Fail(ReservationResult.WrongState);
        }

        Book.Commit(orderId);
        await _pipeline.StoreAsync();
        LeaveMemory();
        return Ok();
    }

    public async Task<ReservationOutcome> ExtendAsync(TimeSpan ttl)
    {
        await ReloadIfMissingAsync();
        if (!Record.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

        await FollowAlbumAsync();
        if (Book.Status(Now) != ReservationStatus.Held)
        {
            return Fail(ReservationResult.WrongState);
        }

        var expiresAt = Now + ttl;
        var outcomes = await Task.WhenAll(Record.Lines.Select(line => Inventory(line.AlbumId).ExtendAsync(ReservationId, expiresAt)));
        if (outcomes.Any(outcome => outcome.Status != HoldStatus.Held))
        {
            // One hold ran out before it could be extended: the reservation as a whole has expired.
            await ReleaseAllAsync();
            Book.Expire();
            await _pipeline.StoreAsync();
            return Fail(ReservationResult.WrongState);
        }

        Book.HeldUntil(outcomes, expiresAt);
        await _pipeline.StoreAsync();
        return Ok();
    }

    /// <summary>
    /// A retry of a held reservation: holds that a crash kept from being stored are made again (holding the same
    /// reservation id twice is a no-op), so the answer is only "held" when the holds are.
    /// </summary>
    private async Task<ReservationOutcome> ReassertHoldsAsync()
    {
        var outcomes = await HoldAllAsync(Record.ExpiresAt);
        if (outcomes.All(outcome => outcome.Status == HoldStatus.Held))
        {
            return Ok();
        }

        var refused = Book.Refused(outcomes);
        await ClearAsync(HoldTag);
        return refused;
    }

    /// <summary>Releases every line; a line with no hold of this reservation is left as it is.</summary>
    private Task<HoldOutcome[]> ReleaseAllAsync() =>
        Task.WhenAll(Record.Lines.Select(line => Inventory(line.AlbumId).ReleaseAsync(ReservationId)));

    private Task<HoldOutcome[]> HoldAllAsync(DateTimeOffset expiresAt) =>
        Task.WhenAll(Record.Lines.Select(line => Inventory(line.AlbumId).HoldAsync(ReservationId, line.Quantity, expiresAt, HoldTag)));

    /// <summary>Takes back this request's unacknowledged holds, leaving no trace that would refuse a retry.</summary>
    private Task<HoldOutcome[]> UndoAllAsync(long tag) =>
        Task.WhenAll(Record.Lines.Select(line => Inventory(line.AlbumId).UndoHoldAsync(ReservationId, tag)));

    /// <summary>
    /// Undoes a refused reservation: its held lines are taken back and its record emptied (a batched write, where a
    /// clear would commit on its own), so nothing stays held and a retry is judged like a new request.
    /// </summary>
    private async Task ClearAsync(long tag)
    {
        await UndoAllAsync(tag);
        _pipeline.Live = new ReservationState();
        await _pipeline.StoreAsync();
        LeaveMemory();
    }

    private long HoldTag => ReservationRequest.TagOf(Record.RequestHash);

    /// <summary>
    /// <see cref="ReservationDesk"/> stores album-homed records without activating this grain: an activation that found
    /// no record (a lookup before the desk stored it) looks again rather than answer "not found" for its lifetime. The
    /// first call needs no second look: activation read the record just before it.
    /// </summary>
    private async Task ReloadIfMissingAsync()
    {
        if (!Record.Exists && !_firstCall)
        {
            await state.ReadStateAsync();
            _pipeline.Live = state.State;
        }

        _firstCall = false;
    }

    /// <summary>An album-homed record says "held" until a commit; the album's hold says how it really stands.</summary>
    private async Task FollowAlbumAsync()
    {
        if (Book.FollowsAlbum)
        {
            Book.Follow(await Inventory(Record.Lines[0].AlbumId).PeekHoldAsync(ReservationId), Now);
        }
    }

    private async Task<ReservationView> ViewAsync()
    {
        await FollowAlbumAsync();
        return Book.View(ReservationId, Now);
    }

    private async Task<ReservationOutcome> OkAsync() => new(ReservationResult.Ok, await ViewAsync(), []);

    /// <summary>
    /// An ended or refused reservation holds nothing live: it leaves memory now, not after the idle collection age (a
    /// busy storefront ends thousands a minute), and a later call reads it back from storage.
    /// </summary>
    private void LeaveMemory() => DeactivateOnIdle();

    private ReservationOutcome Ok() => new(ReservationResult.Ok, Book.View(ReservationId, Now), []);

    private ReservationOutcome Fail(ReservationResult result) => new(result, Record.Exists ? Book.View(ReservationId, Now) : null, []);

    private IInventoryGrain Inventory(Guid albumId) => GrainFactory.GetGrain<IInventoryGrain>(albumId);
}
