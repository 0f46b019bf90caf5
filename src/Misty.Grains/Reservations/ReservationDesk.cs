using System.Collections.Concurrent;
using BitFaster.Caching.Lru;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Orleans.Storage;

namespace Misty.Grains.Reservations;

/// <summary>
/// The storefront's way in to reservations. A reservation of one album, by far the commonest, lives in that album's
/// inventory grain: its hold is stored with the album's other changes in one group-committed write, and its record
/// (the same row a <see cref="ReservationGrain"/> keeps, marked <see cref="ReservationState.AlbumHomed"/>) is inserted
/// in that same transaction (<see cref="IInventoryGrain.ReserveAsync"/>). So a record is never stored without its
/// hold, a reserve is one grain call and one database round trip, and a release one of each: no reservation grain is
/// activated, read or written on the way. Reservations of several albums, and everything but create and release, go
/// to the reservation grain.
/// </summary>
/// <remarks>
/// The record is keyed by reservation id (the caller's Idempotency-Key), not by album, so a key reused for another
/// album still finds it. Nothing is read first: the insert-only record is the arbiter, and a request that loses it
/// (a retry, a replay after release, a reused key) takes back the hold it made before anyone hears of it. Reading
/// first cost a round trip per reservation (see the hot-album figures in docs/benchmarks.md).
/// </remarks>
public sealed class ReservationDesk(IGrainFactory grains, IGrainStorage storage)
{
    /// <summary>
    /// Album references, one per album of the catalog: Orleans resolves a grain interface by reflection on every
    /// GetGrain, about 3% of the CPU of a busy storefront.
    /// </summary>
    private readonly ConcurrentDictionary<Guid, IInventoryGrain> _albums = new();

    /// <summary>
    /// Where open reservations live, so a release needs no read; bounded, and a miss reads the record. An entry that
    /// outlives its hold is harmless: the album answers that the hold expired, as the record would. A fixed-capacity
    /// LRU, not a size-limited MemoryCache, whose compaction sorted every entry each time a flash sale filled it.
    /// </summary>
    private readonly ConcurrentLru<Guid, Home> _homes = new(100_000);

    public async Task<ReservationOutcome> CreateAsync(Guid reservationId, ReservationRequest request)
    {
        var outcome = await CreateOnceAsync(reservationId, request);
        Telemetry.MistyMetrics.Reservation(outcome.Result);
        return outcome;
    }

    private async Task<ReservationOutcome> CreateOnceAsync(Guid reservationId, ReservationRequest request)
    {
        if (request.Lines.Count != 1)
        {
            return await Reservation(reservationId).CreateAsync(request);
        }

        var line = request.Lines[0];
        var album = Album(line.AlbumId);
        var (hold, madeHere, recordedAt) = await album.ReserveAsync(reservationId, request);
        if (recordedAt is { } createdAt)
        {
            _homes.AddOrUpdate(reservationId, new Home(line.AlbumId, request.Caller));
            return new ReservationOutcome(ReservationResult.Ok,
                new ReservationView(reservationId, ReservationStatus.Held, request.Lines, createdAt, hold.ExpiresAt!.Value, request.Caller, null), []);
        }

        var first = await ReadAsync(reservationId);
        if (madeHere)
        {
            // The key had a record already (a retry, a replay of an ended reservation, a reused key): the hold stored
            // with this attempt is a second one, and goes before anyone hears of it.
            await album.UndoHoldAsync(reservationId, request.HoldTag);
        }

        return first switch
        {
            { Exists: true } => await AnswerRetryAsync(reservationId, first, request),
            // The emptied record of a request the reservation grain refused: that grain takes this request.
            { Exists: false } => await Reservation(reservationId).CreateAsync(request),
            null when hold.Status == HoldStatus.Insufficient => Refused(ReservationResult.Insufficient, line, hold),
            null when hold.Status == HoldStatus.UnknownAlbum => Refused(ReservationResult.UnknownAlbum, line, hold),
            // The album holds this id for another request whose record is not stored (its write failed): ask again.
            null when hold.Status == HoldStatus.Held => throw new InvalidOperationException($"Reservation {reservationId} is being recorded; retry."),
            null => new ReservationOutcome(ReservationResult.KeyReused, null, []),
        };
    }

    /// <summary>Releases a reservation; <paramref name="caller"/> null is staff, who may release anyone's.</summary>
    public async Task<ReservationOutcome> ReleaseAsync(Guid reservationId, string? caller)
    {
        var home = _homes.TryGet(reservationId, out var cached) ? cached : await ReadAsync(reservationId) switch
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

        var released = await Album(home.AlbumId).ReleaseAsync(reservationId);
        _homes.TryRemove(reservationId);
        return released.Status is HoldStatus.Released or HoldStatus.Expired
            ? new ReservationOutcome(ReservationResult.Ok, null, [])
            : await Reservation(reservationId).ReleaseAsync();
    }

    /// <summary>A request whose key has a record: the same body gets the reservation as it stands, another gets 422.</summary>
    private async Task<ReservationOutcome> AnswerRetryAsync(Guid reservationId, ReservationState record, ReservationRequest request) =>
        record.RequestHash != request.RequestHash ? new ReservationOutcome(ReservationResult.KeyReused, View(reservationId, record), [])
        : record.AlbumHomed ? new ReservationOutcome(ReservationResult.Ok, await Reservation(reservationId).GetAsync(), [])
        : await Reservation(reservationId).CreateAsync(request);

    private Task<ReservationState?> ReadAsync(Guid reservationId) => ReservationRecords.ReadAsync(storage, reservationId);

    private static ReservationOutcome Refused(ReservationResult result, ReservationLine line, HoldOutcome hold) =>
        new(result, null, [new LineShortage(line.AlbumId, line.Quantity, hold.Available)]);

    private static ReservationView View(Guid reservationId, ReservationState record) =>
        new(reservationId, record.Status, record.Lines, record.CreatedAt, record.ExpiresAt, record.Caller, record.OrderId);

    private IInventoryGrain Album(Guid albumId) => _albums.GetOrAdd(albumId, id => grains.GetGrain<IInventoryGrain>(id));

    private IReservationGrain Reservation(Guid reservationId) => grains.GetGrain<IReservationGrain>(reservationId);

    private sealed record Home(Guid AlbumId, string Caller);
}
