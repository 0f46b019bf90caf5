using Misty.Grains.Interfaces.Reservations;

namespace Misty.Grains.Reservations;

[GenerateSerializer, Alias("Misty.ReservationState")]
public sealed class ReservationState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public ReservationStatus Status { get; set; }
    [Id(2)] public List<ReservationLine> Lines { get; set; } = [];
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(5)] public string Caller { get; set; } = "";
    [Id(6)] public string RequestHash { get; set; } = "";
    [Id(7)] public Guid? OrderId { get; set; }
}
