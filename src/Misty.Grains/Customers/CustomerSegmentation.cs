using Misty.Grains.Interfaces.Customers;

namespace Misty.Grains.Customers;

/// <summary>A customer's segment and how strongly they fit it (0-100).</summary>
public sealed record SegmentFit(SegmentType Type, decimal Score);

/// <summary>
/// Segments from recency, frequency and monetary value (RFM). Each is scored 0-100: recency 100 within a month of the
/// last purchase, falling to 0 at a year; frequency by purchases up to a dozen; monetary by lifetime value up to
/// $1,500. Their weighted sum decides: collectors score high on all three, enthusiasts buy often, casual buyers neither;
/// anyone who joined in the last 90 days is new unless they already spend like a collector.
/// </summary>
public static class CustomerSegmentation
{
    public const int NewCustomerDays = 90;
    public const int InactiveAfterDays = 365;
    public const decimal VipScore = 70;
    public const decimal RegularScore = 35;
    public const int RegularPurchases = 4;

    private const double FullRecencyDays = 30;
    private const double FullFrequency = 12;
    private const double FullMonetary = 1_500;

    public static decimal RfmScore(DateTimeOffset? lastPurchaseAt, int purchases, decimal lifetimeValue, DateTimeOffset now)
    {
        var recency = lastPurchaseAt is { } last
            ? 100 * Math.Clamp((InactiveAfterDays - (now - last).TotalDays) / (InactiveAfterDays - FullRecencyDays), 0, 1)
            : 0;
        var frequency = 100 * Math.Min(purchases / FullFrequency, 1);
        var monetary = 100 * Math.Min((double)lifetimeValue / FullMonetary, 1);
        return Math.Round((decimal)((0.25 * recency) + (0.35 * frequency) + (0.40 * monetary)), 2, MidpointRounding.AwayFromZero);
    }

    public static SegmentFit Assess(DateTimeOffset joinedAt, DateTimeOffset? lastPurchaseAt, int purchases, decimal lifetimeValue, DateTimeOffset now)
    {
        var rfm = RfmScore(lastPurchaseAt, purchases, lifetimeValue, now);
        var tenureDays = (now - joinedAt).TotalDays;
        if (rfm >= VipScore)
        {
            return new SegmentFit(SegmentType.VipCollector, rfm);
        }

        if (tenureDays < NewCustomerDays)
        {
            // The fit fades as the customer settles in.
            return new SegmentFit(SegmentType.NewCustomer, Math.Round((decimal)(100 * (1 - (Math.Max(tenureDays, 0) / NewCustomerDays))), 2));
        }

        return purchases >= RegularPurchases && rfm >= RegularScore
            ? new SegmentFit(SegmentType.RegularEnthusiast, rfm)
            : new SegmentFit(SegmentType.CasualBuyer, 100 - rfm);
    }

    /// <summary>VIPs are the collectors; a customer with no purchase (nor sign-up) in a year is inactive.</summary>
    public static CustomerStatus StatusOf(SegmentType segment, DateTimeOffset joinedAt, DateTimeOffset? lastPurchaseAt, DateTimeOffset now) =>
        segment == SegmentType.VipCollector ? CustomerStatus.Vip
        : (now - (lastPurchaseAt ?? joinedAt)).TotalDays > InactiveAfterDays ? CustomerStatus.Inactive
        : CustomerStatus.Active;
}
