using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Api;

namespace Misty.Web.Orders;

/// <summary>
/// What an order request must be before it reaches the order grain: the storefront places online orders from its own
/// reservations and never pays cash; staff give lines or a reservation, and any channel. Repeated albums merge, in a
/// stable order, so that equal requests hash equally (the order grain compares hashes to spot a reused key).
/// </summary>
public static class OrderRequestRules
{
    public const int MaxLines = 100;
    public const int MaxUnitsPerLine = 1_000;
    public const int MaxTextLength = 1_000;
    public const int MaxPaymentTokenLength = 200;

    public static SalesChannel? Channel(string? value, bool storefront, FieldErrors errors)
    {
        if (value is null)
        {
            errors.Check(storefront, "channel", $"Required: one of {string.Join(", ", SchemaNames.All<SalesChannel>())}.");
            return SalesChannel.Online;
        }

        if (!SchemaNames.TryParse(value, out SalesChannel channel))
        {
            errors.Add("channel", $"One of {string.Join(", ", SchemaNames.All<SalesChannel>())}.");
            return null;
        }

        errors.Check(!storefront || channel == SalesChannel.Online, "channel", "The storefront places online orders.");
        return channel;
    }

    public static PaymentMethod? Method(OrderPaymentRequest? payment, bool storefront, FieldErrors errors)
    {
        errors.Check(payment?.Token is null || payment.Token.Length <= MaxPaymentTokenLength, "payment.token", $"At most {MaxPaymentTokenLength} characters.");
        if (!SchemaNames.TryParse(payment?.Method, out PaymentMethod method))
        {
            errors.Add("payment.method", $"Required: one of {string.Join(", ", SchemaNames.All<PaymentMethod>())}.");
            return null;
        }

        errors.Check(!storefront || method != PaymentMethod.Cash, "payment.method", "Cash is paid at the till.");
        return method;
    }

    /// <summary>Validates the lines and merges repeats of an album; a storefront order takes its lines from its reservation.</summary>
    public static List<OrderLineDraft> Lines(CreateOrderRequest request, bool storefront, FieldErrors errors)
    {
        if (request.ReservationId is not null)
        {
            errors.Check(request.Lines is null, "lines", "Give either reservationId or lines, not both.");
            return [];
        }

        if (storefront)
        {
            errors.Add("reservationId", "Required: the storefront places orders from its reservations.");
            return [];
        }

        if (request.Lines is not { Count: > 0 and <= MaxLines } lines)
        {
            errors.Add("lines", $"Give reservationId, or from 1 to {MaxLines} lines.");
            return [];
        }

        for (var i = 0; i < lines.Count; i++)
        {
            errors.Check(lines[i]?.AlbumId is { } albumId && albumId != Guid.Empty, $"lines[{i}].albumId", "An album id is required.")
                .Check(lines[i]?.Quantity is > 0 and <= MaxUnitsPerLine, $"lines[{i}].quantity", $"From 1 to {MaxUnitsPerLine} units.")
                .Check(lines[i]?.Discount is null or >= 0 && (lines[i]?.Discount is null || decimal.Round(lines[i]!.Discount!.Value, 2) == lines[i]!.Discount),
                    $"lines[{i}].discount", "An amount of money of at least 0, with at most two decimals.");
        }

        return errors.IsEmpty
            ? [.. lines.GroupBy(line => line!.AlbumId!.Value).OrderBy(group => group.Key)
                .Select(group => new OrderLineDraft(group.Key, group.Sum(line => line!.Quantity!.Value), group.Sum(line => line!.Discount ?? 0)))]
            : [];
    }

    public static string? ShippingAddress(string? value, FieldErrors errors)
    {
        errors.Check(value is null || value.Trim().Length is > 0 and <= MaxTextLength, "shippingAddress", $"From 1 to {MaxTextLength} characters.");
        return value?.Trim();
    }

    /// <summary>One order per reservation, or per caller and Idempotency-Key; without either, a new order each time.</summary>
    public static Guid OrderId(Guid? reservationId, string caller, string idempotencyKey) =>
        reservationId is { } fromReservation ? OrderIds.ForReservation(fromReservation)
        : idempotencyKey.Length > 0 ? OrderIds.ForIdempotencyKey(caller, idempotencyKey)
        : Guid.NewGuid();

    /// <summary>The id of the customer an order registers inline: the same for every attempt of that order.</summary>
    public static Guid SignupCustomerId(Guid orderId) => StableIds.From($"misty-order-signup:{orderId:N}");

    public static string RequestHash(OrderDraft draft) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|',
            draft.CustomerId.ToString("N"), SchemaNames.Of(draft.Channel), draft.ReservationId?.ToString("N") ?? "",
            string.Join(';', draft.Lines.Select(line => string.Create(CultureInfo.InvariantCulture, $"{line.AlbumId:N}:{line.Quantity}:{line.Discount}"))),
            draft.ShippingAddress ?? "", SchemaNames.Of(draft.PaymentMethod), draft.PaymentToken ?? ""))));
}
