using System.Security.Cryptography;
using System.Text;

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

    private static Guid Derive(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        // RFC 9562 version 8 (custom) with the RFC variant, so the id is a well-formed UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
