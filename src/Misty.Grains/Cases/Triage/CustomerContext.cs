namespace Misty.Grains.Cases.Triage;

/// <summary>What the triage knows of the customer: their name and recent orders (newest first).</summary>
public sealed record CustomerContext(string? FirstName, IReadOnlyList<OrderFacts> Orders)
{
    /// <summary>A customer Misty has no rows for (yet).</summary>
    public static CustomerContext Unknown { get; } = new(null, []);
}

/// <param name="Status">orders.status: pending, processing, shipped, delivered, cancelled.</param>
/// <param name="PaymentStatus">The latest payment's status (pending, completed, failed, refunded), if any.</param>
/// <param name="FraudFlagged">The latest payment was flagged by fraud scoring.</param>
public sealed record OrderFacts(
    string OrderNumber,
    string Status,
    DateTimeOffset OrderDate,
    decimal Total,
    ShipmentFacts? Shipment,
    string? PaymentStatus,
    bool FraudFlagged);

/// <param name="Status">shipments.status: preparing, shipped, in_transit, delivered.</param>
public sealed record ShipmentFacts(
    string? Carrier,
    string? TrackingNumber,
    string Status,
    DateTimeOffset? ShippedDate,
    DateTimeOffset? EstimatedDelivery,
    DateTimeOffset? ActualDelivery);
