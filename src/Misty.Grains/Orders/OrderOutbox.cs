using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Orders.Fraud;

namespace Misty.Grains.Orders;

/// <summary>An order's news for others, stored in its state and delivered after: the customer's notices, then the fraud case for staff.</summary>
public static class OrderOutbox
{
    /// <summary>Delivers what the stored state holds and the live one still waits for, dropping each from the live outbox once delivered.</summary>
    public static async Task DeliverAsync(IGrainFactory grains, OrderState stored, OrderState live)
    {
        foreach (var notice in stored.PendingNotices.Where(live.PendingNotices.Contains))
        {
            await grains.GetGrain<ICustomerGrain>(stored.CustomerId).ApplyOrderNoticeAsync(notice);
            // Leaves the outbox with the next write; until then a replay is harmless (notices are idempotent).
            live.PendingNotices.Remove(notice);
        }

        if (stored.PendingCase is { } fraudCase && live.PendingCase is not null)
        {
            await FraudCases.OpenAsync(grains, fraudCase);
            live.PendingCase = null;
        }
    }

    public static bool Delivered(OrderState stored, OrderState live) =>
        !stored.PendingNotices.Any(live.PendingNotices.Contains) && (stored.PendingCase is null || live.PendingCase is null);
}
