namespace Misty.Seeding;

/// <summary>
/// Turns the simulated customers into rows whose totals agree with their orders: lifetime value and purchase count
/// over the orders that were not cancelled, status and segment from that history as of the anchor.
/// </summary>
internal sealed class CustomerStanding(SeedOptions options)
{
    private const decimal MinimumVipSpend = 500m;
    private const double VipPercentile = 0.98;
    private const int NewCustomerDays = 90;
    private const int InactiveAfterDays = 365;
    private readonly SeedRandom _random = new(options.Seed, SeedStream.Segments);

    public (IReadOnlyList<CustomerRow> Customers, IReadOnlyList<CustomerSegmentRow> Segments) Summarise(
        IReadOnlyList<CustomerProfile> customers)
    {
        var spend = customers.Select(customer => customer.LifetimeValue).Order().ToArray();
        var vipThreshold = Math.Max(MinimumVipSpend, spend[(int)Math.Floor((spend.Length - 1) * VipPercentile)]);
        var rows = new List<CustomerRow>(customers.Count);
        var segments = new List<CustomerSegmentRow>(customers.Count);
        foreach (var customer in customers)
        {
            var isVip = customer.LifetimeValue >= vipThreshold;
            rows.Add(Row(customer, isVip));
            segments.Add(Segment(customer, isVip, PercentileRank(spend, customer.LifetimeValue)));
        }

        return (rows, segments);
    }

    private CustomerRow Row(CustomerProfile customer, bool isVip)
    {
        var quietSince = options.AnchorTime.AddDays(-InactiveAfterDays);
        var inactive = customer.JoinedAt < quietSince && (customer.LastOrderAt ?? DateTime.MinValue) < quietSince;
        var status = isVip ? DbValues.CustomerVip : inactive ? DbValues.CustomerInactive : DbValues.CustomerActive;
        return new CustomerRow(
            customer.Id,
            customer.Email,
            customer.FirstName,
            customer.LastName,
            customer.Phone,
            customer.Address,
            DateOnly.FromDateTime(customer.JoinedAt),
            customer.LifetimeValue,
            customer.Purchases,
            MusicVocabulary.Genres[customer.FavoriteGenre].Name,
            status,
            customer.JoinedAt,
            customer.LastOrderAt ?? customer.JoinedAt);
    }

    /// <summary>One segment per customer, assigned by the nightly run before the anchor; the score is how well they fit it.</summary>
    private CustomerSegmentRow Segment(CustomerProfile customer, bool isVip, double spendRank)
    {
        var daysAsCustomer = (options.AnchorTime - customer.JoinedAt).TotalDays;
        var (segment, fit) = isVip ? (DbValues.SegmentVip, spendRank)
            : daysAsCustomer < NewCustomerDays ? (DbValues.SegmentNew, 100 * (1 - (daysAsCustomer / NewCustomerDays)))
            : customer.Purchases >= 4 ? (DbValues.SegmentRegular, spendRank)
            : (DbValues.SegmentCasual, 100 - spendRank);
        var assignedAt = options.AnchorTime.AddDays(-1).AddHours(2);
        return new CustomerSegmentRow(
            _random.NextGuid(), customer.Id, segment, DateOnly.FromDateTime(assignedAt),
            RecordPricing.Money(Math.Clamp(fit, 0, 100)), assignedAt);
    }

    /// <summary>Percentage of customers who spent less (a lower-bound binary search, as many spent the same nothing).</summary>
    private static double PercentileRank(decimal[] sortedSpend, decimal value)
    {
        int low = 0, high = sortedSpend.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (sortedSpend[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return 100.0 * low / sortedSpend.Length;
    }
}
