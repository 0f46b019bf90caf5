using Misty.Grains.Orders.Fraud;

namespace Misty.Grains.Orders;

/// <summary>Order settings, from the "Misty:Orders" configuration section (environment: Misty__Orders__FraudThreshold, ...).</summary>
public sealed class OrderOptions
{
    public const string Section = "Misty:Orders";

    /// <summary>Payments scoring at or above this (0-100) are flagged and their orders held for review.</summary>
    public int FraudThreshold { get; set; } = FraudModel.DefaultThreshold;

    /// <summary>Sales tax per channel label, as a fraction of the subtotal.</summary>
    public Dictionary<string, decimal> TaxRates { get; set; } = new(StringComparer.Ordinal)
    {
        ["in-store"] = 0.08m,
        ["online"] = 0.08m,
        ["phone"] = 0.08m,
        ["corporate"] = 0.08m,
    };

    /// <summary>Parcel shipping for online and phone orders below <see cref="FreeShippingFrom"/>.</summary>
    public decimal StandardShipping { get; set; } = 5.99m;

    public decimal FreeShippingFrom { get; set; } = 75m;

    /// <summary>Corporate orders go by freight.</summary>
    public decimal FreightShipping { get; set; } = 15m;

    /// <summary>How long an order's stock stays held while its payment is pending (renewed before every charge attempt).</summary>
    public TimeSpan PaymentWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an order held for fraud review keeps its stock.</summary>
    public TimeSpan ReviewHold { get; set; } = TimeSpan.FromDays(3);

    /// <summary>A charge the gateway has not answered by then stays pending and is retried.</summary>
    public TimeSpan GatewayTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Picking and packing before a parcel leaves, added to the carrier's transit time while it is prepared.</summary>
    public TimeSpan HandlingTime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often a grain with unfinished after-write work (rows, outbox, a pending charge) is woken up to finish it.</summary>
    public TimeSpan CatchUpPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
