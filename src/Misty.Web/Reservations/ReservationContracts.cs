using System.ComponentModel.DataAnnotations;
using Misty.Grains.Interfaces.Reservations;

namespace Misty.Web.Reservations;

public sealed record ReservationLineRequest([property: Required] Guid? AlbumId, [property: Required] int? Quantity);

public sealed record CreateReservationRequest([property: Required] IReadOnlyList<ReservationLineRequest?>? Lines, int? TtlSeconds);

public sealed record ExtendReservationRequest([property: Required] int? TtlSeconds);

public sealed record ReservationLineResponse(Guid AlbumId, int Quantity);

public sealed record ReservationResponse(
    Guid ReservationId, string Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<ReservationLineResponse> Lines, Guid? OrderId)
{
    public static ReservationResponse From(ReservationView view) => new(view.ReservationId, view.Status.ToString().ToLowerInvariant(),
        view.CreatedAt, view.ExpiresAt, [.. view.Lines.Select(line => new ReservationLineResponse(line.AlbumId, line.Quantity))], view.OrderId);
}

public sealed record ShortLine(Guid AlbumId, int Requested, int Available);
