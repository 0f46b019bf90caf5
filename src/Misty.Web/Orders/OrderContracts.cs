using System.ComponentModel.DataAnnotations;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Api;

namespace Misty.Web.Orders;

public sealed record OrderLineRequest([property: Required] Guid? AlbumId, [property: Required] int? Quantity, decimal? Discount);

public sealed record OrderCustomerRequest(
    [property: Required] string? Email, [property: Required] string? FirstName, [property: Required] string? LastName, string? Phone, string? Address);

/// <param name="Token">The payment processor's token for the card, when the storefront has one.</param>
public sealed record OrderPaymentRequest([property: Required] string? Method, string? Token);

/// <summary>
/// An order from a reservation (the storefront's checkout) or from lines (staff), for a known customer (customerId) or
/// a new one (customer); a storefront acting for a signed-in customer (X-Customer-Token) gives neither.
/// </summary>
[OneOfRequired("reservationId", "lines")]
public sealed record CreateOrderRequest(
    Guid? ReservationId,
    IReadOnlyList<OrderLineRequest?>? Lines,
    Guid? CustomerId,
    OrderCustomerRequest? Customer,
    string? Channel,
    string? ShippingAddress,
    [property: Required] OrderPaymentRequest? Payment);

public sealed record CreateShipmentRequest([property: Required] string? Carrier, [property: Required] string? TrackingNumber);

public sealed record ShipmentStatusRequest([property: Required] string? Status);

public sealed record FraudReviewRequest([property: Required] bool? Approve);

/// <param name="Refund">True: refund every completed payment of the cancelled order; false: keep them.</param>
public sealed record RefundDecisionRequest([property: Required] bool? Refund);

public sealed record FraudReasonResponse(string Code, int Points, string Detail)
{
    public static FraudReasonResponse From(FraudReason reason) => new(reason.Code, reason.Points, reason.Detail);
}

public sealed record PaymentSummaryResponse(
    Guid PaymentId, PaymentStatus Status, decimal FraudScore, bool FraudFlagged, IReadOnlyList<FraudReasonResponse> FraudReasons);

/// <summary>The answer to POST /api/orders.</summary>
public sealed record CreatedOrderResponse(
    Guid OrderId, string OrderNumber, OrderStatus Status, decimal Total, Guid CustomerId, bool HeldForReview, PaymentSummaryResponse Payment)
{
    public static CreatedOrderResponse From(OrderView order, Guid paymentId)
    {
        var payment = order.Payments.First(candidate => candidate.PaymentId == paymentId);
        return new CreatedOrderResponse(order.OrderId, order.OrderNumber, order.Status, order.Total, order.CustomerId, order.HeldForReview,
            new PaymentSummaryResponse(payment.PaymentId, payment.Status, payment.FraudScore, payment.FraudFlagged,
                [.. payment.FraudReasons.Select(FraudReasonResponse.From)]));
    }
}

public sealed record OrderItemResponse(Guid OrderItemId, Guid AlbumId, int Quantity, decimal UnitPrice, decimal Discount, decimal Total);

public sealed record PaymentResponse(
    Guid PaymentId,
    Guid OrderId,
    decimal Amount,
    PaymentMethod PaymentMethod,
    PaymentStatus Status,
    string? TransactionId,
    bool FraudFlagged,
    decimal FraudScore,
    IReadOnlyList<FraudReasonResponse> FraudReasons,
    DateTimeOffset? PaymentDate,
    DateTimeOffset CreatedAt,
    string? FailureReason)
{
    public static PaymentResponse From(Guid orderId, PaymentView payment) => new(payment.PaymentId, orderId, payment.Amount, payment.Method,
        payment.Status, payment.TransactionId, payment.FraudFlagged, payment.FraudScore, [.. payment.FraudReasons.Select(FraudReasonResponse.From)],
        payment.PaymentDate, payment.CreatedAt, payment.FailureReason);
}

/// <param name="OrderStatus">The order's status after the change: it follows its shipments.</param>
public sealed record ShipmentResponse(
    Guid ShipmentId,
    Guid OrderId,
    string? Carrier,
    string? TrackingNumber,
    ShipmentStatus Status,
    DateTimeOffset? ShippedDate,
    DateTimeOffset? EstimatedDelivery,
    DateTimeOffset? ActualDelivery,
    DateTimeOffset CreatedAt,
    OrderStatus OrderStatus)
{
    public static ShipmentResponse From(OrderView order, ShipmentView shipment) => new(shipment.ShipmentId, order.OrderId, shipment.Carrier,
        shipment.TrackingNumber, shipment.Status, shipment.ShippedDate, shipment.EstimatedDelivery, shipment.ActualDelivery, shipment.CreatedAt,
        order.Status);
}

/// <param name="HeldForReview">The payment was flagged as possible fraud; a manager decides with POST /api/orders/{id}/fraud-review.</param>
/// <param name="RefundDecisionPending">Cancelled by staff with completed payments; a manager decides with POST /api/orders/{id}/refund-decision.</param>
public sealed record OrderResponse(
    Guid OrderId,
    string OrderNumber,
    Guid CustomerId,
    OrderStatus Status,
    SalesChannel Channel,
    decimal Subtotal,
    decimal Tax,
    decimal ShippingFee,
    decimal Total,
    string? ShippingAddress,
    DateTimeOffset OrderDate,
    DateTimeOffset UpdatedAt,
    bool HeldForReview,
    long Version,
    bool RefundDecisionPending,
    IReadOnlyList<OrderItemResponse> Items,
    IReadOnlyList<PaymentResponse> Payments,
    IReadOnlyList<ShipmentResponse> Shipments)
{
    public static OrderResponse From(OrderView order) => new(order.OrderId, order.OrderNumber, order.CustomerId, order.Status, order.Channel,
        order.Subtotal, order.Tax, order.ShippingFee, order.Total, order.ShippingAddress, order.OrderDate, order.UpdatedAt, order.HeldForReview,
        order.Version, order.RefundDecisionPending,
        [.. order.Lines.Select(line => new OrderItemResponse(line.OrderItemId, line.AlbumId, line.Quantity, line.UnitPrice, line.Discount, line.Total))],
        [.. order.Payments.Select(payment => PaymentResponse.From(order.OrderId, payment))],
        [.. order.Shipments.Select(shipment => ShipmentResponse.From(order, shipment))]);
}

/// <summary>One orders row, as the list reads it.</summary>
public sealed record OrderSummaryResponse(
    Guid OrderId,
    string OrderNumber,
    Guid CustomerId,
    OrderStatus Status,
    SalesChannel Channel,
    decimal Subtotal,
    decimal Tax,
    decimal ShippingFee,
    decimal Total,
    DateTimeOffset OrderDate,
    DateTimeOffset UpdatedAt);

public sealed record OrderPage(IReadOnlyList<OrderSummaryResponse> Items, int Page, int PageSize, long Total);

/// <param name="To">Exclusive.</param>
public sealed record OrderQuery(
    Guid? CustomerId, OrderStatus? Status, SalesChannel? Channel, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize);
