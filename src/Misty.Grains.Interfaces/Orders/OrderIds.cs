namespace Misty.Grains.Interfaces.Orders;

/// <summary>
/// Ids derived from what identifies a request, so that a retry reaches the same grain: one order per reservation, one
/// per caller's Idempotency-Key, one fraud case per payment.
/// </summary>
public static class OrderIds
{
    public static Guid ForReservation(Guid reservationId) => Derive($"order-of-reservation\n{reservationId:N}");

    public static Guid ForIdempotencyKey(string caller, string key) => Derive($"order\n{caller}\n{key}");

    public static Guid FraudCaseFor(Guid paymentId) => Derive($"fraud-case\n{paymentId:N}");

    /// <summary>The id of one message of a payment's fraud case (<paramref name="part"/>: "opening", "reasons").</summary>
    public static Guid FraudCaseMessageFor(Guid paymentId, string part) => Derive($"fraud-case-message\n{paymentId:N}\n{part}");

    private static Guid Derive(string text) => StableIds.From(text);
}
