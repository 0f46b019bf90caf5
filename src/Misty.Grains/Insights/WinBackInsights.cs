using static Misty.Grains.Insights.InsightMath;

namespace Misty.Grains.Insights;

/// <summary>A VIP or regular customer's buying rhythm and what the recommender would show them first.</summary>
/// <param name="Segment">The customer_segments.segment_type of their current (RFM) segment.</param>
/// <param name="Orders">Paid orders, cancelled ones left out.</param>
public sealed record CustomerFacts(
    Guid CustomerId,
    string Name,
    string Segment,
    decimal LifetimeValue,
    int Orders,
    DateTimeOffset? FirstOrderAt,
    DateTimeOffset? LastOrderAt,
    Guid? TopAlbumId,
    string? TopAlbumTitle,
    string? TopAlbumArtist);

/// <summary>
/// Lapsing VIPs and regulars, from their RFM segment and their own rhythm: a customer is lapsing once the time since
/// their last order is twice their usual gap between orders (and at least 60 days), until a year has gone by (then they
/// count as inactive, past a win-back). The offer names their first storefront suggestion.
/// </summary>
public sealed class WinBackInsights(WinBackPolicy policy)
{
    public const string VipCollector = "vip_collector";
    public const string RegularEnthusiast = "regular_enthusiast";

    public static WinBackInsights Default { get; } = new(WinBackPolicy.Default);

    public WinBackPolicy Policy => policy;

    public IReadOnlyList<InsightDraft> Raise(IReadOnlyList<CustomerFacts> customers, DateTimeOffset now)
    {
        var drafts = new List<InsightDraft>();
        foreach (var customer in customers)
        {
            if (Assess(customer, now) is { } draft)
            {
                drafts.Add(draft);
            }
        }

        return Top(drafts, policy.MaxPerRun);
    }

    private InsightDraft? Assess(CustomerFacts customer, DateTimeOffset now)
    {
        if (customer.Segment is not (VipCollector or RegularEnthusiast) || customer.LastOrderAt is not { } last || customer.Orders < 1)
        {
            return null;
        }

        var since = (now - last).TotalDays;
        var usualGap = customer.Orders >= 2 && customer.FirstOrderAt is { } first
            ? Math.Max((last - first).TotalDays / (customer.Orders - 1), 1)
            : policy.DefaultGapDays;
        var lapseAfter = Math.Max(policy.MinimumDays, policy.GapMultiple * usualGap);
        if (since < lapseAfter || since >= policy.LostAfterDays)
        {
            return null;
        }

        var vip = customer.Segment == VipCollector;
        var impact = vip || customer.LifetimeValue >= policy.HighValue ? "high" : customer.LifetimeValue >= policy.MediumValue ? "medium" : "low";
        // Surer the more orders show the rhythm and the further past it they are.
        var confidence = 45 + Math.Min(25, 5 * (customer.Orders - 1)) + Math.Min(20, 10 * ((since / lapseAfter) - 1));
        var who = vip ? "VIP collector" : "Regular";
        var offer = customer.TopAlbumTitle is { } title ? $"{title}{(customer.TopAlbumArtist is { } artist ? $" by {artist}" : "")}" : null;
        var insight = Text($"{who} {customer.Name} ({Money(customer.LifetimeValue)} over {customer.Orders} orders) usually buys every {usualGap:0} days ") +
            Text($"and has not for {since:0}: {(offer is null ? "send a win-back offer" : $"win them back with {offer}")}.");
        var metadata = new Dictionary<string, object?>
        {
            ["reason"] = "lapsing",
            ["segment"] = customer.Segment,
            ["lifetimeValue"] = customer.LifetimeValue,
            ["orders"] = customer.Orders,
            ["lastOrderAt"] = last,
            ["daysSinceLastOrder"] = Math.Round(since),
            ["usualGapDays"] = Math.Round(usualGap, 1),
            ["lapsingAfterDays"] = Math.Round(lapseAfter, 1),
            ["offerDiscount"] = policy.OfferDiscount,
            ["recommendedAlbumId"] = customer.TopAlbumId,
            ["recommendedAlbum"] = offer,
        };
        return new InsightDraft(InsightTypes.Customer, customer.CustomerId, "lapsing",
            $"Send {customer.Name} a {Percent(policy.OfferDiscount)} win-back offer{(offer is null ? "" : $" featuring {offer}")}.", insight,
            Confidence(confidence), impact, metadata, now + InsightTypes.Lifetime(InsightTypes.Customer));
    }
}

/// <summary>The thresholds of <see cref="WinBackInsights"/>; recorded with the engine in ai_model_config.</summary>
public sealed record WinBackPolicy
{
    public static WinBackPolicy Default { get; } = new();

    /// <summary>At most this many a night, the most pressing first.</summary>
    public int MaxPerRun { get; init; } = 200;

    public double GapMultiple { get; init; } = 2;
    public double MinimumDays { get; init; } = 60;
    /// <summary>For a customer with one order: the gap assumed.</summary>
    public double DefaultGapDays { get; init; } = 60;
    public double LostAfterDays { get; init; } = 365;
    public decimal HighValue { get; init; } = 1_000m;
    public decimal MediumValue { get; init; } = 300m;
    public decimal OfferDiscount { get; init; } = 0.10m;
}
