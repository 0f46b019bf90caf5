using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Storage;

namespace Misty.Grains.Reservations;

/// <summary>
/// Holds every line of a reservation on the albums' inventory grains, or none: a line that cannot be held
/// releases the others before the caller hears 409. The holds are stored by the inventory grains before this
/// grain stores the reservation, so a crash in between leaves holds that a retry (same Idempotency-Key, same
/// reservation id) finds again, or that expire with their TTL.
/// </summary>
[GrainType("reservation")]
public sealed class ReservationGrain(
    [PersistentState("reservation", BatchedGrainStorage.Name)] IPersistentState<ReservationState> state,
    TimeProvider clock) : Grain, IReservationGrain
{
    /// <summary>A commit needs this much time left, so that no album's hold expires halfway through it.</summary>
    private static readonly TimeSpan CommitMargin = TimeSpan.FromSeconds(5);

    private Guid ReservationId => this.GetPrimaryKey();

    public async Task<ReservationOutcome> CreateAsync(ReservationRequest request)
    {
        if (state.State.Exists)
        {
            return state.State.RequestHash == request.RequestHash ? Ok() : Fail(ReservationResult.KeyReused);
        }

        var expiresAt = clock.GetUtcNow() + request.Ttl;
        var outcomes = await Task.WhenAll(request.Lines.Select(line => Inventory(line.AlbumId).HoldAsync(ReservationId, line.Quantity, expiresAt)));
        if (outcomes.Any(outcome => outcome.Status != HoldStatus.Held))
        {
            await Task.WhenAll(request.Lines.Zip(outcomes)
                .Where(pair => pair.Second.Status == HoldStatus.Held)
                .Select(pair => Inventory(pair.First.AlbumId).ReleaseAsync(ReservationId)));
            var shortages = request.Lines.Zip(outcomes)
                .Where(pair => pair.Second.Status != HoldStatus.Held)
                .Select(pair => new LineShortage(pair.First.AlbumId, pair.First.Quantity, pair.Second.Available))
                .ToList();
            var result = outcomes.Any(outcome => outcome.Status == HoldStatus.UnknownAlbum) ? ReservationResult.UnknownAlbum : ReservationResult.Insufficient;
            return new ReservationOutcome(result, null, shortages);
        }

        state.State.Exists = true;
        state.State.Status = ReservationStatus.Held;
        state.State.Lines = [.. request.Lines];
        state.State.CreatedAt = clock.GetUtcNow();
        // A retry finds the holds its first attempt stored, with their original expiry.
        state.State.ExpiresAt = outcomes.Min(outcome => outcome.ExpiresAt!.Value);
        state.State.Caller = request.Caller;
        state.State.RequestHash = request.RequestHash;
        await state.WriteStateAsync();
        return Ok();
    }

    public Task<ReservationView?> GetAsync() => Task.FromResult(state.State.Exists ? View() : null);

    public async Task<ReservationOutcome> ReleaseAsync()
    {
        if (!state.State.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

        switch (CurrentStatus())
        {
            case ReservationStatus.Committed:
                return Fail(ReservationResult.WrongState);
            case ReservationStatus.Released:
                return Ok();
        }

        // Expired holds may not have been swept yet: releasing them is harmless and frees them at once.
        await Task.WhenAll(state.State.Lines.Select(line => Inventory(line.AlbumId).ReleaseAsync(ReservationId)));
        state.State.Status = CurrentStatus() == ReservationStatus.Expired ? ReservationStatus.Expired : ReservationStatus.Released;
        await state.WriteStateAsync();
        return Ok();
    }

    public async Task<ReservationOutcome> CommitAsync(Guid? orderId)
    {
        if (!state.State.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

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
                    new StockChange(StockChangeKind.Return, pair.First.Quantity, null, $"undo partial commit of reservation {ReservationId}", null, orderId))));
            state.State.Status = ReservationStatus.Expired;
            await state.WriteStateAsync();
            return Fail(ReservationResult.WrongState);
        }

        state.State.Status = ReservationStatus.Committed;
        state.State.OrderId = orderId;
        await state.WriteStateAsync();
        return Ok();
    }

    public async Task<ReservationOutcome> ExtendAsync(TimeSpan ttl)
    {
        if (!state.State.Exists)
        {
            return Fail(ReservationResult.NotFound);
        }

        if (CurrentStatus() != ReservationStatus.Held)
        {
            return Fail(ReservationResult.WrongState);
        }

        var expiresAt = clock.GetUtcNow() + ttl;
        var outcomes = await Task.WhenAll(state.State.Lines.Select(line => Inventory(line.AlbumId).ExtendAsync(ReservationId, expiresAt)));
        if (outcomes.Any(outcome => outcome.Status != HoldStatus.Held))
        {
            // One hold ran out before it could be extended: the reservation as a whole has expired.
            await Task.WhenAll(state.State.Lines.Select(line => Inventory(line.AlbumId).ReleaseAsync(ReservationId)));
            state.State.Status = ReservationStatus.Expired;
            await state.WriteStateAsync();
            return Fail(ReservationResult.WrongState);
        }

        state.State.ExpiresAt = expiresAt;
        await state.WriteStateAsync();
        return Ok();
    }

    private ReservationStatus CurrentStatus() =>
        state.State.Status == ReservationStatus.Held && clock.GetUtcNow() >= state.State.ExpiresAt ? ReservationStatus.Expired : state.State.Status;

    private ReservationView View() => new(ReservationId, CurrentStatus(), state.State.Lines, state.State.CreatedAt,
        state.State.ExpiresAt, state.State.Caller, state.State.OrderId);

    private ReservationOutcome Ok() => new(ReservationResult.Ok, View(), []);

    private ReservationOutcome Fail(ReservationResult result) => new(result, state.State.Exists ? View() : null, []);

    private IInventoryGrain Inventory(Guid albumId) => GrainFactory.GetGrain<IInventoryGrain>(albumId);
}
