namespace Misty.Seeding;

/// <summary>Where an order stands at the anchor, and its shipment once it has left the store.</summary>
internal readonly record struct Fulfilment(string Status, DateTime UpdatedAt, ShipmentRow? Shipment, DateTime? DeliveredAt);

/// <summary>
/// The life of an order after it is placed: in-store sales are handed over at the till; other orders are picked
/// within hours, shipped in a day or two and delivered a few days later, sometimes late. Whatever has not happened by
/// the anchor has not happened, which is what leaves recent orders pending, processing or in transit.
/// </summary>
internal sealed class ShipmentPlanner(SeedOptions options, SeedRandom random)
{
    private static readonly IReadOnlyList<(string Carrier, double Weight)> ParcelCarriers = [("USPS", 45), ("UPS", 30), ("FedEx", 20), ("DHL", 5)];
    private static readonly IReadOnlyList<(string Carrier, double Weight)> FreightCarriers = [("UPS", 60), ("FedEx", 40)];

    public Fulfilment Plan(Guid orderId, string channel, OrderOutcome outcome, DateTime at, DateTime? cancelledAt)
    {
        if (outcome != OrderOutcome.Fulfilled)
        {
            return new Fulfilment(DbValues.OrderCancelled, cancelledAt!.Value, null, null);
        }

        if (channel == DbValues.ChannelInStore)
        {
            return new Fulfilment(DbValues.OrderDelivered, at, null, at);
        }

        var anchor = options.AnchorTime;
        var processingAt = at + random.Hours(0.2, 6);
        var shippedAt = at + random.Hours(16, 56);
        var deliveredAt = shippedAt + random.Days(1.5, 5.5) + (random.Chance(0.05) ? random.Days(2, 5) : TimeSpan.Zero);
        if (shippedAt >= anchor)
        {
            return processingAt < anchor
                ? new Fulfilment(DbValues.OrderProcessing, processingAt, null, null)
                : new Fulfilment(DbValues.OrderPending, at, null, null);
        }

        var carrier = random.PickWeighted(channel == DbValues.ChannelCorporate ? FreightCarriers : ParcelCarriers);
        var promised = shippedAt.Date.AddDays(random.Int(2, 5)).AddHours(20);
        var delivered = deliveredAt < anchor;
        // A parcel is "shipped" when the label is scanned and "in transit" once the carrier has it moving.
        var inTransitAt = shippedAt.AddHours(12);
        var (shipmentStatus, shipmentUpdated) = delivered ? (DbValues.ShipmentDelivered, deliveredAt)
            : inTransitAt < anchor ? (DbValues.ShipmentInTransit, inTransitAt)
            : (DbValues.ShipmentShipped, shippedAt);
        var shipment = new ShipmentRow(
            random.NextGuid(), orderId, TrackingNumber(carrier), carrier, shipmentStatus, shippedAt, promised,
            delivered ? deliveredAt : null, processingAt, shipmentUpdated);
        return delivered
            ? new Fulfilment(DbValues.OrderDelivered, deliveredAt, shipment, deliveredAt)
            : new Fulfilment(DbValues.OrderShipped, shippedAt, shipment, null);
    }

    /// <summary>Numbers shaped like each carrier's (USPS 22 digits, UPS 1Z..., FedEx 12 digits, DHL 10 digits).</summary>
    private string TrackingNumber(string carrier) => carrier switch
    {
        "USPS" => $"9400{random.Digits(18)}",
        "UPS" => $"1Z{random.AlphaNumeric(16)}",
        "FedEx" => random.Digits(12),
        _ => random.Digits(10),
    };
}
