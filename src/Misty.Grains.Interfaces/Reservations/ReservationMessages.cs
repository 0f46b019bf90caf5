using System.Security.Cryptography;
using System.Text;

namespace Misty.Grains.Interfaces.Reservations;

[GenerateSerializer, Immutable, Alias("Misty.ReservationLine")]
public sealed record ReservationLine([property: Id(0)] Guid AlbumId, [property: Id(1)] int Quantity);

/// <param name="Caller">Who asked: the storefront key id or staff user id; only they (and staff) may see it.</param>
/// <param name="RequestHash">A hash of the normalized request, to tell a retry from a different request under the same key.</param>
[GenerateSerializer, Immutable, Alias("Misty.ReservationRequest")]
public sealed record ReservationRequest(
    [property: Id(0)] IReadOnlyList<ReservationLine> Lines,
    [property: Id(1)] TimeSpan Ttl,
    [property: Id(2)] string Caller,
    [property: Id(3)] string RequestHash)
{
    /// <summary>The request's mark on its holds: a short hash of <see cref="RequestHash"/>, never 0 (which means untagged).</summary>
    public long HoldTag => TagOf(RequestHash);

    /// <summary>The hold tag of a request with this <see cref="RequestHash"/>.</summary>
    public static long TagOf(string requestHash) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(requestHash))) is var tag && tag != 0 ? tag : 1;
}

[GenerateSerializer, Alias("Misty.ReservationStatus")]
public enum ReservationStatus
{
    Held,
    Released,
    Committed,
    Expired,
}

[GenerateSerializer, Immutable, Alias("Misty.ReservationView")]
public sealed record ReservationView(
    [property: Id(0)] Guid ReservationId,
    [property: Id(1)] ReservationStatus Status,
    [property: Id(2)] IReadOnlyList<ReservationLine> Lines,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] string Caller,
    [property: Id(6)] Guid? OrderId);

[GenerateSerializer, Alias("Misty.ReservationResult")]
public enum ReservationResult
{
    Ok,
    /// <summary>The same Idempotency-Key was used for another request.</summary>
    KeyReused,
    /// <summary>At least one line is short; nothing is held.</summary>
    Insufficient,
    UnknownAlbum,
    NotFound,
    /// <summary>The reservation is not in a state that allows this (e.g. committing a released one).</summary>
    WrongState,
}

/// <param name="Shortages">For <see cref="ReservationResult.Insufficient"/>: each short line and what is available.</param>
[GenerateSerializer, Immutable, Alias("Misty.ReservationOutcome")]
public sealed record ReservationOutcome(
    [property: Id(0)] ReservationResult Result,
    [property: Id(1)] ReservationView? Reservation,
    [property: Id(2)] IReadOnlyList<LineShortage> Shortages);

[GenerateSerializer, Immutable, Alias("Misty.LineShortage")]
public sealed record LineShortage([property: Id(0)] Guid AlbumId, [property: Id(1)] int Requested, [property: Id(2)] int Available);
