using Misty.Grains.Interfaces.Orders;

namespace Misty.Grains.Orders;

/// <summary>Which status changes an order and a shipment may make, and how an order follows its shipments.</summary>
public static class OrderLifecycle
{
    public static bool CanMove(OrderStatus from, OrderStatus to, SalesChannel channel) => (from, to) switch
    {
        (OrderStatus.Pending, OrderStatus.Processing) => true,
        (OrderStatus.Processing, OrderStatus.Shipped) => channel != SalesChannel.InStore,
        // An in-store sale is handed over at the till: nothing is shipped.
        (OrderStatus.Processing, OrderStatus.Delivered) => channel == SalesChannel.InStore,
        (OrderStatus.Shipped, OrderStatus.Delivered) => true,
        (OrderStatus.Pending or OrderStatus.Processing or OrderStatus.Shipped, OrderStatus.Cancelled) => true,
        _ => false,
    };

    /// <summary>Shipments only move forward; a step may be skipped (a parcel can be scanned as delivered without an in-transit scan).</summary>
    public static bool CanMove(ShipmentStatus from, ShipmentStatus to) => to > from;

    /// <summary>
    /// The status an order reaches by following its shipments: shipped once any parcel has left, delivered once every
    /// parcel has arrived. Returns <paramref name="current"/> when the shipments do not move it forward.
    /// </summary>
    public static OrderStatus Follow(OrderStatus current, IReadOnlyCollection<ShipmentStatus> shipments)
    {
        if (current is not (OrderStatus.Processing or OrderStatus.Shipped) || shipments.Count == 0)
        {
            return current;
        }

        if (shipments.All(status => status == ShipmentStatus.Delivered))
        {
            return OrderStatus.Delivered;
        }

        return shipments.Any(status => status >= ShipmentStatus.Shipped) ? OrderStatus.Shipped : current;
    }
}
