namespace Misty.Grains.Interfaces.Reservations;

/// <summary>
/// One storefront reservation (key: reservation id, derived from the caller and its Idempotency-Key, so a retried
/// request reaches the same grain). Holds all of its lines on the albums' inventory grains, or none.
/// </summary>
[Alias("Misty.IReservationGrain")]
public interface IReservationGrain : IGrainWithGuidKey
{
    [Alias("Create")]
    Task<ReservationOutcome> CreateAsync(ReservationRequest request);

    /// <returns>The reservation, or null when there is none.</returns>
    [Alias("Get")]
    Task<ReservationView?> GetAsync();

    [Alias("Release")]
    Task<ReservationOutcome> ReleaseAsync();

    /// <summary>
    /// Releases the reservation if <paramref name="caller"/> made it; otherwise answers NotFound, as for a reservation
    /// that does not exist. One call where looking it up first and then releasing would be two.
    /// </summary>
    [Alias("ReleaseOwn")]
    Task<ReservationOutcome> ReleaseOwnAsync(string caller);

    [Alias("Commit")]
    Task<ReservationOutcome> CommitAsync(Guid? orderId);

    [Alias("Extend")]
    Task<ReservationOutcome> ExtendAsync(TimeSpan ttl);
}
