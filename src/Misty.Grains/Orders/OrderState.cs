using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;

namespace Misty.Grains.Orders;

/// <summary>Where the order's units are: held for it, sold to it, or back on the shelf.</summary>
[GenerateSerializer, Alias("Misty.OrderStock")]
public enum OrderStock
{
    None,
    /// <summary>Held by the order's reservation; nothing has left stock yet.</summary>
    Held,
    /// <summary>Sold: the units left stock (sale rows in the ledger).</summary>
    Sold,
    Released,
    /// <summary>Sold, then returned to stock through the ledger.</summary>
    Returned,
}

[GenerateSerializer, Alias("Misty.OrderState")]
public sealed class OrderState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string OrderNumber { get; set; } = "";
    [Id(2)] public Guid CustomerId { get; set; }
    [Id(3)] public SalesChannel Channel { get; set; }
    [Id(4)] public OrderStatus Status { get; set; }
    [Id(5)] public decimal Subtotal { get; set; }
    [Id(6)] public decimal Tax { get; set; }
    [Id(7)] public decimal ShippingFee { get; set; }
    [Id(8)] public decimal Total { get; set; }
    [Id(9)] public string? ShippingAddress { get; set; }
    [Id(10)] public DateTimeOffset OrderDate { get; set; }
    [Id(11)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>One more per stored change; the rows carry the version they reflect.</summary>
    [Id(12)] public long Version { get; set; }
    [Id(13)] public List<OrderLineRecord> Lines { get; set; } = [];
    [Id(14)] public List<PaymentRecord> Payments { get; set; } = [];
    [Id(15)] public List<ShipmentRecord> Shipments { get; set; } = [];
    /// <summary>The reservation holding the order's units: the storefront's, or one of the order's own (keyed by the order id).</summary>
    [Id(16)] public Guid? ReservationId { get; set; }
    [Id(17)] public OrderStock Stock { get; set; }
    [Id(18)] public bool HeldForReview { get; set; }
    [Id(19)] public string Caller { get; set; } = "";
    [Id(20)] public string RequestHash { get; set; } = "";
    /// <summary>Outbox: news for the customer grain, delivered after the state is stored.</summary>
    [Id(21)] public List<OrderNotice> PendingNotices { get; set; } = [];
    /// <summary>Outbox: the case to open for staff after a payment was flagged.</summary>
    [Id(22)] public FraudCase? PendingCase { get; set; }
    /// <summary>How many fraud alerts the order has raised: the version of the last FraudAlert.</summary>
    [Id(23)] public int FraudAlerts { get; set; }
    /// <summary>Cancelled by someone who may not refund: completed payments wait for a manager's refund decision.</summary>
    [Id(24)] public bool RefundDecisionPending { get; set; }
}

[GenerateSerializer, Alias("Misty.OrderLineRecord")]
public sealed record OrderLineRecord(
    [property: Id(0)] Guid OrderItemId,
    [property: Id(1)] Guid AlbumId,
    [property: Id(2)] int Quantity,
    [property: Id(3)] decimal UnitPrice,
    [property: Id(4)] decimal Discount,
    [property: Id(5)] decimal Total,
    [property: Id(6)] string? Genre);

[GenerateSerializer, Alias("Misty.PaymentRecord")]
public sealed record PaymentRecord(
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
    [property: Id(10)] string? Token,
    [property: Id(11)] string? FailureReason);

[GenerateSerializer, Alias("Misty.ShipmentRecord")]
public sealed record ShipmentRecord(
    [property: Id(0)] Guid ShipmentId,
    [property: Id(1)] string? Carrier,
    [property: Id(2)] string? TrackingNumber,
    [property: Id(3)] ShipmentStatus Status,
    [property: Id(4)] DateTimeOffset? ShippedDate,
    [property: Id(5)] DateTimeOffset? EstimatedDelivery,
    [property: Id(6)] DateTimeOffset? ActualDelivery,
    [property: Id(7)] DateTimeOffset CreatedAt);

/// <summary>The case staff get when a payment is flagged; its id is derived from the payment, so opening it twice opens one.</summary>
[GenerateSerializer, Alias("Misty.FraudCase")]
public sealed record FraudCase(
    [property: Id(0)] Guid CaseId,
    [property: Id(1)] Guid OrderId,
    [property: Id(2)] string OrderNumber,
    [property: Id(3)] Guid PaymentId,
    [property: Id(4)] Guid CustomerId,
    [property: Id(5)] decimal FraudScore,
    [property: Id(6)] IReadOnlyList<FraudReason> Reasons,
    [property: Id(7)] DateTimeOffset At);
