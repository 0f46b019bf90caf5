using Misty.Grains.Customers;
using Misty.Grains.Interfaces.Cases;

namespace Misty.Seeding;

/// <summary>
/// Turns the simulated customers into rows whose totals agree with their orders: lifetime value and purchase count
/// over the orders that were not cancelled, status and segment from that history by the product's segmentation rule.
/// </summary>
internal sealed class CustomerStanding(SeedOptions options)
{
    private readonly SeedRandom _random = new(options.Seed, SeedStream.Segments);

    /// <summary>The nightly segment refresh's last run before the anchor, which assigned every segment.</summary>
    private DateTimeOffset AssessedAt => new(options.AnchorTime.AddDays(-1).AddHours(2), TimeSpan.Zero);

    public (IReadOnlyList<CustomerRow> Customers, IReadOnlyList<CustomerSegmentRow> Segments) Summarise(
        IReadOnlyList<CustomerProfile> customers)
    {
        var rows = new List<CustomerRow>(customers.Count);
        var segments = new List<CustomerSegmentRow>(customers.Count);
        foreach (var customer in customers)
        {
            // The product's own rule (RFM), so the seeded segments are what the nightly refresh would have assigned.
            var joined = new DateTimeOffset(DateOnly.FromDateTime(customer.JoinedAt).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            DateTimeOffset? lastOrder = customer.LastOrderAt is { } last ? new DateTimeOffset(last, TimeSpan.Zero) : null;
            var fit = CustomerSegmentation.Assess(joined, lastOrder, customer.Purchases, customer.LifetimeValue, AssessedAt);
            var status = CustomerSegmentation.StatusOf(fit.Type, joined, lastOrder, AssessedAt);
            rows.Add(Row(customer, SchemaNames.Of(status)));
            segments.Add(new CustomerSegmentRow(
                _random.NextGuid(), customer.Id, SchemaNames.Of(fit.Type), DateOnly.FromDateTime(AssessedAt.UtcDateTime),
                Math.Clamp(fit.Score, 0, 100), AssessedAt.UtcDateTime));
        }

        return (rows, segments);
    }

    private static CustomerRow Row(CustomerProfile customer, string status) => new(
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
