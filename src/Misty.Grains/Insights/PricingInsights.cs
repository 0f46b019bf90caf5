using static Misty.Grains.Insights.InsightMath;

namespace Misty.Grains.Insights;

/// <summary>What the rules know about one album on the day they run (from the catalogue, stock, sales and clicks).</summary>
/// <param name="StockedSince">When its current stock first came in (first restock, else when it was catalogued).</param>
/// <param name="Views">Clicks on its storefront suggestions in the last 90 days: the views the store can count.</param>
/// <param name="ForecastNext4Weeks">Units the stored demand forecast expects over the next four weeks, or null without one.</param>
public sealed record AlbumFacts(
    Guid AlbumId,
    string Sku,
    string Title,
    string Artist,
    string? Genre,
    string? Condition,
    bool IsRare,
    decimal Price,
    decimal? Cost,
    decimal? EstimatedValue,
    int OnHand,
    int Reserved,
    DateTimeOffset StockedSince,
    int SoldLast30,
    int SoldLast90,
    DateTimeOffset? LastSaleAt,
    int Views,
    double? ForecastNext4Weeks);

/// <summary>
/// Pricing of rare and collectible records (rare, or with an estimated value): a price far from the estimated value,
/// a record that sells out as soon as it is stocked (priced too low), or one that does not sell at all (too high).
/// The evidence (sales, views, grade, comparable records: the median price of other rare records of the same genre and
/// grade) goes into the metadata. One pricing insight per album: the first rule that fires, in that order of urgency.
/// </summary>
public sealed class PricingInsights(PricingPolicy policy)
{
    public static PricingInsights Default { get; } = new(PricingPolicy.Default);

    public PricingPolicy Policy => policy;

    public IReadOnlyList<InsightDraft> Raise(IReadOnlyList<AlbumFacts> albums, DateTimeOffset now)
    {
        var comparables = albums.Where(Collectible).ToLookup(album => (album.Genre, album.Condition));
        var drafts = new List<InsightDraft>();
        foreach (var album in albums.Where(Collectible))
        {
            var peers = comparables[(album.Genre, album.Condition)].Where(peer => peer.AlbumId != album.AlbumId).Select(peer => peer.Price).ToList();
            if (Assess(album, Median(peers), peers.Count, now) is { } draft)
            {
                drafts.Add(draft);
            }
        }

        return Top(drafts, policy.MaxPerRun);
    }

    private static bool Collectible(AlbumFacts album) => album.IsRare || album.EstimatedValue is > 0;

    private InsightDraft? Assess(AlbumFacts album, decimal? comparable, int comparables, DateTimeOffset now)
    {
        var idleDays = Days(album.LastSaleAt ?? album.StockedSince, now) ?? 0;
        var stockedDays = Days(album.StockedSince, now) ?? 0;
        var value = album.EstimatedValue is > 0 ? album.EstimatedValue : null;
        var sinceLastSale = Days(album.LastSaleAt, now);

        // Gone as soon as it came: the price leaves money on the counter.
        if (album.SoldLast30 >= policy.SellsOutUnits && album.OnHand - album.Reserved <= 0 && sinceLastSale <= policy.SellsOutWithinDays)
        {
            var ceiling = value is { } v ? v * policy.SellsOutValueCeiling : decimal.MaxValue;
            var suggested = ShelfPriceAtMost(Math.Min(album.Price * (1 + policy.SellsOutRaise), ceiling));
            if (suggested > album.Price)
            {
                return Draft(album, "sells_out", suggested, comparable, comparables, now,
                    50 + (10 * Math.Min(album.SoldLast30, 4)) + (value is null ? 0 : 5),
                    Text($"{Describe(album)} sold {album.SoldLast30} in 30 days and is out of stock at {Money(album.Price)}{Viewed(album)}: raise it to {Money(suggested)} for the next copies."));
            }
        }

        if (value is { } estimate)
        {
            var gap = (double)((album.Price - estimate) / estimate);
            if (gap <= -policy.ValueGap)
            {
                var suggested = ShelfPriceAtMost(estimate);
                return Draft(album, "below_value", suggested, comparable, comparables, now, 60 + Math.Min(30, -gap * 60),
                    $"{Describe(album)} is priced {Money(album.Price)}, {Percent(-gap)} under its estimated value of {Money(estimate)}{Comparing(comparable)}: raise it to {Money(suggested)}.");
            }

            if (gap >= policy.ValueGap && album.SoldLast90 == 0 && album.OnHand > 0)
            {
                var suggested = ShelfPriceAtMost(estimate);
                return Draft(album, "above_value", suggested, comparable, comparables, now, 55 + Math.Min(30, gap * 40),
                    $"{Describe(album)} is priced {Money(album.Price)}, {Percent(gap)} over its estimated value of {Money(estimate)}, and has not sold in 90 days: lower it to {Money(suggested)}.");
            }
        }

        // Sitting on the shelf since it came in.
        if (album.OnHand > 0 && idleDays >= policy.NotSellingDays && stockedDays >= policy.NotSellingDays)
        {
            var floor = album.Cost is { } cost ? cost * (1 + policy.MinimumMargin) : 0m;
            var suggested = Math.Max(ShelfPriceAtMost(album.Price * (1 - policy.NotSellingCut)), ShelfPriceAtLeast(floor));
            if (suggested < album.Price)
            {
                return Draft(album, "not_selling", suggested, comparable, comparables, now, 45 + Math.Min(35, (idleDays - policy.NotSellingDays) / 6),
                    Text($"{Describe(album)} has not sold in {idleDays:0} days at {Money(album.Price)} with {album.OnHand} on hand{Comparing(comparable)}: lower it to {Money(suggested)}."));
            }
        }

        return null;
    }

    private InsightDraft Draft(AlbumFacts album, string reason, decimal suggested, decimal? comparable, int comparables, DateTimeOffset now,
        double confidence, string insight)
    {
        // What the change is worth over the copies it applies to (at least the next one).
        var worth = Math.Abs(suggested - album.Price) * Math.Max(album.OnHand, 1);
        var impact = worth >= policy.HighImpactAmount ? "high" : worth >= policy.MediumImpactAmount ? "medium" : "low";
        var metadata = new Dictionary<string, object?>
        {
            ["reason"] = reason,
            ["sku"] = album.Sku,
            ["price"] = album.Price,
            ["suggestedPrice"] = suggested,
            ["estimatedValue"] = album.EstimatedValue,
            ["cost"] = album.Cost,
            ["condition"] = album.Condition,
            ["isRare"] = album.IsRare,
            ["onHand"] = album.OnHand,
            ["soldLast30Days"] = album.SoldLast30,
            ["soldLast90Days"] = album.SoldLast90,
            ["lastSaleAt"] = album.LastSaleAt,
            ["views90Days"] = album.Views,
            ["comparablePrice"] = comparable,
            ["comparableRecords"] = comparables,
        };
        return new InsightDraft(InsightTypes.Pricing, album.AlbumId, reason,
            $"Change the price of {album.Sku} from {Money(album.Price)} to {Money(suggested)}.", insight, Confidence(confidence), impact, metadata,
            now + InsightTypes.Lifetime(InsightTypes.Pricing), suggested);
    }

    private static string Describe(AlbumFacts album) =>
        $"{(album.IsRare ? "Rare " : "")}{album.Title} by {album.Artist}{(album.Condition is { } grade ? $" ({grade})" : "")}";

    private static string Viewed(AlbumFacts album) => album.Views > 0 ? Text($" ({album.Views} views in 90 days)") : "";

    private static string Comparing(decimal? comparable) => comparable is { } price ? $" (comparable records: {Money(price)})" : "";
}

/// <summary>The thresholds of <see cref="PricingInsights"/>; recorded with the engine in ai_model_config.</summary>
public sealed record PricingPolicy
{
    public static PricingPolicy Default { get; } = new();

    /// <summary>At most this many a night, the most pressing first.</summary>
    public int MaxPerRun { get; init; } = 100;

    /// <summary>A price this far from the estimated value (as a share of it) is worth a look.</summary>
    public double ValueGap { get; init; } = 0.25;
    public int SellsOutUnits { get; init; } = 2;
    public int SellsOutWithinDays { get; init; } = 14;
    public decimal SellsOutRaise { get; init; } = 0.10m;
    /// <summary>A raise never goes beyond this multiple of the estimated value.</summary>
    public decimal SellsOutValueCeiling { get; init; } = 1.25m;
    public int NotSellingDays { get; init; } = 120;
    public decimal NotSellingCut { get; init; } = 0.15m;
    /// <summary>A cut never goes below cost plus this share.</summary>
    public decimal MinimumMargin { get; init; } = 0.10m;
    public decimal HighImpactAmount { get; init; } = 100m;
    public decimal MediumImpactAmount { get; init; } = 30m;
}
