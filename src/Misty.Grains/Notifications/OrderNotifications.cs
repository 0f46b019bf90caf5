using System.Globalization;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders;

namespace Misty.Grains.Notifications;

/// <summary>
/// The emails a stored order owes its customer, read from the order's state alone: confirmation once a payment
/// completed, a failed payment, each parcel that left with its carrier and tracking number, delivery, cancellation and
/// each refund. Each has an id derived from the order and the event, so every projection of every later version may
/// ask again and the customer still gets each email once. Events older than the horizon are not mailed: an order that
/// exists only as (seeded) rows gets no email about its past when it next changes.
/// </summary>
public static class OrderNotifications
{
    public static IReadOnlyList<CustomerNotification> Derive(Guid orderId, OrderState order, DateTimeOffset now, TimeSpan horizon)
    {
        var notifications = new List<CustomerNotification>();
        if (!order.Exists)
        {
            return notifications;
        }

        bool Recent(DateTimeOffset? at) => at is { } time && now - time <= horizon;

        Dictionary<string, string> Fields(params (string Key, string Value)[] extra)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["orderNumber"] = order.OrderNumber,
                ["total"] = CustomerNotification.Money(order.Total),
                ["itemCount"] = order.Lines.Sum(line => line.Quantity).ToString(CultureInfo.InvariantCulture),
                ["shippingAddress"] = order.ShippingAddress ?? "",
            };
            foreach (var (key, value) in extra)
            {
                fields[key] = value;
            }

            return fields;
        }

        void Add(string kind, Guid source, Dictionary<string, string> fields) => notifications.Add(
            new CustomerNotification(CustomerNotification.IdFor(kind, source), order.CustomerId, kind, orderId, null, fields, null));

        if (order.Payments.FirstOrDefault(payment => payment.Status is PaymentStatus.Completed or PaymentStatus.Refunded && payment.PaymentDate is not null)
                is { } paid && Recent(paid.PaymentDate))
        {
            Add(NotificationKinds.OrderConfirmed, orderId, Fields(("amount", CustomerNotification.Money(paid.Amount))));
        }

        foreach (var payment in order.Payments)
        {
            if (payment.Status == PaymentStatus.Failed && Recent(order.UpdatedAt))
            {
                Add(NotificationKinds.PaymentFailed, payment.PaymentId,
                    Fields(("amount", CustomerNotification.Money(payment.Amount)), ("reason", payment.FailureReason ?? "declined")));
            }

            // A cancellation's email tells of its refunds; a refund of an order that goes on gets its own.
            if (payment.Status == PaymentStatus.Refunded && payment.PaymentDate is not null && order.Status != OrderStatus.Cancelled && Recent(order.UpdatedAt))
            {
                Add(NotificationKinds.Refunded, payment.PaymentId, Fields(("amount", CustomerNotification.Money(payment.Amount))));
            }
        }

        foreach (var shipment in order.Shipments.Where(shipment => shipment.Status >= ShipmentStatus.Shipped && Recent(shipment.ShippedDate)))
        {
            Add(NotificationKinds.Shipped, shipment.ShipmentId, Fields(
                ("carrier", shipment.Carrier ?? ""), ("trackingNumber", shipment.TrackingNumber ?? ""),
                ("estimatedDelivery", shipment.EstimatedDelivery?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "")));
        }

        if (order.Status == OrderStatus.Delivered && order.Shipments.Count > 0
            && order.Shipments.Max(shipment => shipment.ActualDelivery) is { } delivered && Recent(delivered))
        {
            Add(NotificationKinds.Delivered, orderId, Fields());
        }

        if (order.Status == OrderStatus.Cancelled && Recent(order.UpdatedAt))
        {
            var refunded = order.Payments.Where(payment => payment.Status == PaymentStatus.Refunded && payment.PaymentDate is not null).Sum(payment => payment.Amount);
            Add(NotificationKinds.Cancelled, orderId, Fields(("refunded", CustomerNotification.Money(refunded))));
        }

        return notifications;
    }
}
