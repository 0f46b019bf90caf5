using Misty.Grains.Interfaces.Reservations;

namespace Misty.Grains.Interfaces.Orders;

/// <param name="Discount">Money taken off the line (not a percentage); at most the line's price times quantity.</param>
[GenerateSerializer, Immutable, Alias("Misty.OrderLineDraft")]
public sealed record OrderLineDraft([property: Id(0)] Guid AlbumId, [property: Id(1)] int Quantity, [property: Id(2)] decimal Discount);

/// <summary>A new order: its stock comes from a reservation (the storefront's checkout) or from lines (staff).</summary>
/// <param name="ReservationId">The reservation whose held (or already committed) units the order takes over.</param>
/// <param name="Lines">The lines to hold now, when there is no reservation; empty otherwise.</param>
/// <param name="PaymentToken">The payment gateway's token for the card, if the caller has one.</param>
/// <param name="Caller">Who asked (see <c>Callers.Id</c>); kept with the order.</param>
/// <param name="RequestHash">A hash of the normalized request, to tell a retry from a different request for the same order id.</param>
[GenerateSerializer, Immutable, Alias("Misty.OrderDraft")]
public sealed record OrderDraft(
    [property: Id(0)] Guid CustomerId,
    [property: Id(1)] SalesChannel Channel,
    [property: Id(2)] Guid? ReservationId,
    [property: Id(3)] IReadOnlyList<OrderLineDraft> Lines,
    [property: Id(4)] string? ShippingAddress,
    [property: Id(5)] PaymentMethod PaymentMethod,
    [property: Id(6)] string? PaymentToken,
    [property: Id(7)] string Caller,
    [property: Id(8)] string RequestHash);

[GenerateSerializer, Immutable, Alias("Misty.OrderLineView")]
public sealed record OrderLineView(
    [property: Id(0)] Guid OrderItemId,
    [property: Id(1)] Guid AlbumId,
    [property: Id(2)] int Quantity,
    [property: Id(3)] decimal UnitPrice,
    [property: Id(4)] decimal Discount,
    [property: Id(5)] decimal Total);

/// <summary>One signal of the fraud model and the points it added to the score, with the facts behind it.</summary>
[GenerateSerializer, Immutable, Alias("Misty.FraudReason")]
public sealed record FraudReason([property: Id(0)] string Code, [property: Id(1)] int Points, [property: Id(2)] string Detail)
{
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Detail} ({Points:+0;-0;0})");
}

[GenerateSerializer, Immutable, Alias("Misty.PaymentView")]
public sealed record PaymentView(
    [property: Id(0)] Guid PaymentId,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] PaymentMethod Method,
    [property: Id(3)] PaymentStatus Status,
    [property: Id(4)] string? TransactionId,
    [property: Id(5)] bool FraudFlagged,
    [property: Id(6)] decimal FraudScore,
    [property: Id(7)] IReadOnlyList<FraudReason> FraudReasons,
    [property: Id(8)] DateTimeOffset? PaymentDate,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] string? FailureReason);

[GenerateSerializer, Immutable, Alias("Misty.ShipmentView")]
public sealed record ShipmentView(
    [property: Id(0)] Guid ShipmentId,
    [property: Id(1)] string? Carrier,
    [property: Id(2)] string? TrackingNumber,
    [property: Id(3)] ShipmentStatus Status,
    [property: Id(4)] DateTimeOffset? ShippedDate,
    [property: Id(5)] DateTimeOffset? EstimatedDelivery,
    [property: Id(6)] DateTimeOffset? ActualDelivery,
    [property: Id(7)] DateTimeOffset CreatedAt);

/// <param name="HeldForReview">The payment was flagged as possible fraud and waits for a manager's decision.</param>
/// <param name="RefundDecisionPending">Cancelled without a refund (by staff): its completed payments wait for a manager's decision.</param>
[GenerateSerializer, Immutable, Alias("Misty.OrderView")]
public sealed record OrderView(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] string OrderNumber,
    [property: Id(2)] Guid CustomerId,
    [property: Id(3)] OrderStatus Status,
    [property: Id(4)] SalesChannel Channel,
    [property: Id(5)] decimal Subtotal,
    [property: Id(6)] decimal Tax,
    [property: Id(7)] decimal ShippingFee,
    [property: Id(8)] decimal Total,
    [property: Id(9)] string? ShippingAddress,
    [property: Id(10)] DateTimeOffset OrderDate,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] IReadOnlyList<OrderLineView> Lines,
    [property: Id(13)] IReadOnlyList<PaymentView> Payments,
    [property: Id(14)] IReadOnlyList<ShipmentView> Shipments,
    [property: Id(15)] bool HeldForReview,
    [property: Id(16)] long Version,
    [property: Id(17)] bool RefundDecisionPending = false);

[GenerateSerializer, Alias("Misty.OrderResult")]
public enum OrderResult
{
    Ok,
    NotFound,
    /// <summary>The order id was used for a different request (same reservation or Idempotency-Key).</summary>
    KeyReused,
    /// <summary>At least one line is short; nothing is held.</summary>
    Insufficient,
    UnknownAlbum,
    UnknownCustomer,
    /// <summary>The reservation is not held (released, expired) or already belongs to another order.</summary>
    ReservationUnusable,
    /// <summary>A line's discount is larger than the line.</summary>
    InvalidDiscount,
    /// <summary>The order, payment or shipment is not in a state that allows this (a transition not allowed).</summary>
    WrongState,
    /// <summary>The payment gateway did not answer; nothing was changed.</summary>
    GatewayUnavailable,
}

/// <param name="PartId">The payment or shipment the call created or changed, if any.</param>
/// <param name="Detail">Why the call was refused, in words for the caller.</param>
[GenerateSerializer, Immutable, Alias("Misty.OrderOutcome")]
public sealed record OrderOutcome(
    [property: Id(0)] OrderResult Result,
    [property: Id(1)] OrderView? Order,
    [property: Id(2)] IReadOnlyList<LineShortage> Shortages,
    [property: Id(3)] Guid? PartId,
    [property: Id(4)] string? Detail);
