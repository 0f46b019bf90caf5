using Microsoft.Extensions.Caching.Memory;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Orleans.Storage;

namespace Misty.Grains.Reservations;

/// <summary>
/// The storefront's way in to reservations. A reservation of one album, by far the commonest, lives in that album's
/// inventory grain: its hold is stored with the album's other changes in one group-committed write, and its record
/// (the same row a <see cref="ReservationGrain"/> keeps, marked <see cref="ReservationState.AlbumHomed"/>) is inserted
/// once, after the hold is stored and before the caller hears 201. So a stored record always had its hold, a retry
/// never holds twice, and a release is one write on the album: no reservation grain is activated, read or written on
/// the way. Reservations of several albums, and everything but create and release, go to the reservation grain.
/// </summary>
/// <remarks>
/// The record is keyed by reservation id (the caller's Idempotency-Key), not by album, so a key reused for another
/// album still finds it: the insert is the arbiter between two requests racing with one key.
/// </remarks>
public sealed class ReservationDesk(IGrainFactory grains, IGrainStorage storage, TimeProvider clock) : IDisposable
{
    /// <summary>The state name of <see cref="ReservationGrain"/>'s record, which album-homed reservations share.</summary>
    private const string RecordState = "reservation";

    private static readonly GrainType RecordGrainType = GrainType.Create("reservation");

    /// <summary>Where open reservations live, so a release needs no read; bounded, and a miss reads the record.</summary>
    private readonly MemoryCache _homes = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public async Task<ReservationOutcome> CreateAsync(Guid reservationId, ReservationRequest request)
    {
        if (request.Lines.Count != 1)
        {
            return await Reservation(reservationId).CreateAsync(request);
        }

        var stored = await ReadRowAsync(reservationId);
        if (stored.State is { Exists: true })
        {
            return await AnswerRetryAsync(reservationId, stored.State, request);
        }

        var line = request.Lines[0];
        var album = grains.GetGrain<IInventoryGrain>(line.AlbumId);
        var createdAt = clock.GetUtcNow();
        var hold = await album.HoldAsync(reservationId, line.Quantity, createdAt + request.Ttl, request.HoldTag, forgetWhenEnded: true);
        switch (hold.Status)
        {
            case HoldStatus.Held:
                break;
            case HoldStatus.Insufficient or HoldStatus.UnknownAlbum:
                var result = hold.Status == HoldStatus.Insufficient ? ReservationResult.Insufficient : ReservationResult.UnknownAlbum;
                return new ReservationOutcome(result, null, [new LineShortage(line.AlbumId, line.Quantity, hold.Available)]);
            default:
                // The album knows this id from another request, or saw its hold end: the key has been used.
                return await ReadAsync(reservationId) is { Exists: true } other
                    ? await AnswerRetryAsync(reservationId, other, request)
                    : new ReservationOutcome(ReservationResult.KeyReused, null, []);
        }

        var record = new ReservationState
        {
            Exists = true,
            Status = ReservationStatus.Held,
            Lines = [line],
            CreatedAt = createdAt,
            ExpiresAt = hold.ExpiresAt!.Value,
            Caller = request.Caller,
            RequestHash = request.RequestHash,
            AlbumHomed = true,
        };
        bool inserted;
        try
        {
            inserted = await TryRecordAsync(reservationId, record, stored.ETag);
        }
        catch
        {
            // Not recorded, so the caller hears an error: its hold goes too, and a retry starts afresh.
            await album.UndoHoldAsync(reservationId, request.HoldTag);
            throw;
        }

        if (!inserted)
        {
            // Another request with this key recorded first. With the same body it shares this hold (holding an id
            // twice for one request is a no-op); with another body this hold is taken back.
            var winner = await ReadAsync(reservationId);
            if (winner?.RequestHash != request.RequestHash)
            {
                await album.UndoHoldAsync(reservationId, request.HoldTag);
            }

            return winner is { Exists: true } ? await AnswerRetryAsync(reservationId, winner, request) : new ReservationOutcome(ReservationResult.KeyReused, null, []);
        }

        _homes.Set(reservationId, new Home(line.AlbumId, request.Caller), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = request.Ttl });
        return new ReservationOutcome(ReservationResult.Ok, View(reservationId, record), []);
    }

    /// <summary>Releases a reservation; <paramref name="caller"/> null is staff, who may release anyone's.</summary>
    public async Task<ReservationOutcome> ReleaseAsync(Guid reservationId, string? caller)
    {
        var home = _homes.Get<Home>(reservationId) ?? await ReadAsync(reservationId) switch
        {
            { Exists: true, AlbumHomed: true, Status: ReservationStatus.Held } record => new Home(record.Lines[0].AlbumId, record.Caller),
            _ => null,
        };
        if (home is null || (caller is not null && home.Caller != caller))
        {
            // Not album-homed, ended, or not the caller's: the reservation grain gives the exact answer.
            var reservation = Reservation(reservationId);
            return caller is null ? await reservation.ReleaseAsync() : await reservation.ReleaseOwnAsync(caller);
        }

        var released = await grains.GetGrain<IInventoryGrain>(home.AlbumId).ReleaseAsync(reservationId);
        _homes.Remove(reservationId);
        return released.Status is HoldStatus.Released or HoldStatus.Expired
            ? new ReservationOutcome(ReservationResult.Ok, null, [])
            : await Reservation(reservationId).ReleaseAsync();
    }

    public void Dispose() => _homes.Dispose();

    /// <summary>A request whose key has a record: the same body gets the reservation as it stands, another gets 422.</summary>
    private async Task<ReservationOutcome> AnswerRetryAsync(Guid reservationId, ReservationState record, ReservationRequest request) =>
        record.RequestHash != request.RequestHash ? new ReservationOutcome(ReservationResult.KeyReused, View(reservationId, record), [])
        : record.AlbumHomed ? new ReservationOutcome(ReservationResult.Ok, await Reservation(reservationId).GetAsync(), [])
        : await Reservation(reservationId).CreateAsync(request);

    private async Task<ReservationState?> ReadAsync(Guid reservationId) =>
        await ReadRowAsync(reservationId) is { RecordExists: true, State: { } record } ? record : null;

    /// <summary>The stored record and its version; a refused request's emptied record (no reservation) keeps its row.</summary>
    private async Task<GrainState<ReservationState>> ReadRowAsync(Guid reservationId)
    {
        var row = new GrainState<ReservationState>();
        await storage.ReadStateAsync(RecordState, RecordId(reservationId), row);
        return row;
    }

    /// <summary>
    /// Stores the record over the version read before the hold (none: insert only); false when another request's write
    /// came in between.
    /// </summary>
    private async Task<bool> TryRecordAsync(Guid reservationId, ReservationState record, string? readVersion)
    {
        try
        {
            await storage.WriteStateAsync(RecordState, RecordId(reservationId), new GrainState<ReservationState>(record, readVersion));
            return true;
        }
        catch (InconsistentStateException)
        {
            return false;
        }
    }

    private static GrainId RecordId(Guid reservationId) => GrainId.Create(RecordGrainType, GrainIdKeyExtensions.CreateGuidKey(reservationId));

    private static ReservationView View(Guid reservationId, ReservationState record) =>
        new(reservationId, record.Status, record.Lines, record.CreatedAt, record.ExpiresAt, record.Caller, record.OrderId);

    private IReservationGrain Reservation(Guid reservationId) => grains.GetGrain<IReservationGrain>(reservationId);

    private sealed record Home(Guid AlbumId, string Caller);
}
