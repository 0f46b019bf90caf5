using Misty.Grains.Interfaces.Reservations;

namespace Misty.Grains.Reservations;

[GenerateSerializer, Alias("Misty.ReservationState")]
public sealed class ReservationState
{
    /// <summary>The [PersistentState] name of <see cref="ReservationGrain"/>'s record, which album-homed reservations share.</summary>
    public const string StateName = "reservation";

    private static readonly GrainType RecordGrainType = GrainType.Create("reservation");

    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public ReservationStatus Status { get; set; }
    [Id(2)] public List<ReservationLine> Lines { get; set; } = [];
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(5)] public string Caller { get; set; } = "";
    [Id(6)] public string RequestHash { get; set; } = "";
    [Id(7)] public Guid? OrderId { get; set; }
    /// <summary>
    /// A single-album reservation made by <see cref="ReservationDesk"/>: its hold, on that album's inventory grain, is
    /// the live truth. This record is written once when the hold is stored, and again only on commit or extend; a
    /// release ends the hold without writing it (see <see cref="ReservationGrain"/> for how the status is read).
    /// </summary>
    [Id(8)] public bool AlbumHomed { get; set; }
    /// <summary>
    /// The album counts this album-homed hold in its expiry index and tells its end in an album-hold row; records
    /// written before that had their hold in the album's state instead.
    /// </summary>
    [Id(9)] public bool Indexed { get; set; }

    /// <summary>The grain id whose <see cref="StateName"/> row is the record of this reservation.</summary>
    public static GrainId RecordId(Guid reservationId) => GrainId.Create(RecordGrainType, GrainIdKeyExtensions.CreateGuidKey(reservationId));

    /// <summary>The record of a single-album reservation held on its album until <paramref name="expiresAt"/>.</summary>
    public static ReservationState AlbumHomedHold(ReservationRequest request, DateTimeOffset createdAt, DateTimeOffset expiresAt) => new()
    {
        Exists = true,
        Status = ReservationStatus.Held,
        Lines = [.. request.Lines],
        CreatedAt = createdAt,
        ExpiresAt = expiresAt,
        Caller = request.Caller,
        RequestHash = request.RequestHash,
        AlbumHomed = true,
        Indexed = true,
    };
}
