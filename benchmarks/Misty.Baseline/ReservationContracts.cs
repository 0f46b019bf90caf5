namespace Misty.Baseline;

/// <summary>The body of POST /api/reservations, exactly as Misty accepts it.</summary>
public sealed record ReserveRequest(IReadOnlyList<ReservationLine>? Lines, int? TtlSeconds);

public sealed record ReservationLine(Guid AlbumId, int Quantity);

/// <summary>The 201 answer: the first one, and the one every retry with the same key gets back.</summary>
public sealed record ReservationAnswer(Guid ReservationId, DateTimeOffset ExpiresAt, IReadOnlyList<ReservationLine> Lines);

/// <summary>The body of PUT /api/stock/{albumId}: the on-hand quantity.</summary>
public sealed record StockLevel(int Quantity);
