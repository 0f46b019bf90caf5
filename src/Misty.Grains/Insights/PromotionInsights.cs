using static Misty.Grains.Insights.InsightMath;

namespace Misty.Grains.Insights;

/// <summary>
/// Slow movers (stock that has not sold in 90 days though it has been in for longer) and overstock (more weeks of
/// cover than half a year at the forecast rate): a discount for four weeks, with its expected effect. The effect
/// assumes a price elasticity of demand (units rise by that multiple of the discount), a stated assumption in the
/// metadata rather than a measured figure; the demand rate is the forecast's, or the last 90 days' when higher.
/// </summary>
public sealed class PromotionInsights(PromotionPolicy policy)
{
    public static PromotionInsights Default { get; } = new(PromotionPolicy.Default);

    public PromotionPolicy Policy => policy;

    /// <param name="skip">Albums with another insight already (a pricing one): one suggestion per album at a time.</param>
    public IReadOnlyList<InsightDraft> Raise(IReadOnlyList<AlbumFacts> albums, IReadOnlySet<Guid> skip, DateTimeOffset now)
    {
        var drafts = new List<InsightDraft>();
        foreach (var album in albums)
        {
            if (!skip.Contains(album.AlbumId) && Assess(album, now) is { } draft)
            {
                drafts.Add(draft);
            }
        }

        return Top(drafts, policy.MaxPerRun);
    }

    private InsightDraft? Assess(AlbumFacts album, DateTimeOffset now)
    {
        var available = album.OnHand - album.Reserved;
        var daysInStock = Days(album.StockedSince, now) ?? 0;
        var weekly = Math.Max((album.ForecastNext4Weeks ?? 0) / 4, album.SoldLast90 / 13.0);
        var cover = weekly > 0 ? available / weekly : double.PositiveInfinity;
        string reason;
        decimal discount;
        double confidence;
        if (available >= policy.SlowMoverUnits && album.SoldLast90 == 0 && daysInStock >= policy.SlowMoverDays)
        {
            (reason, discount) = ("slow_mover", policy.SlowMoverDiscount);
            confidence = 50 + Math.Min(30, (daysInStock - policy.SlowMoverDays) / 10) + (album.ForecastNext4Weeks is < 1.0 ? 10 : 0);
        }
        else if (available >= policy.OverstockUnits && weekly > 0 && cover > policy.OverstockWeeks)
        {
            (reason, discount) = ("overstock", policy.OverstockDiscount);
            confidence = 50 + Math.Min(35, cover - policy.OverstockWeeks);
        }
        else
        {
            return null;
        }

        // Without any sale to go on, a quarter of a unit a week stands in for the album's own rate.
        var baseline = Math.Max(weekly, policy.MinimumWeeklyRate);
        var promoted = baseline * (1 + (policy.Elasticity * (double)discount));
        var expectedUnits = Math.Min(available, Math.Round(promoted * policy.Weeks, 1));
        var extraUnits = Math.Max(0, Math.Round(expectedUnits - Math.Min(available, weekly * policy.Weeks), 1));
        var promotionPrice = ShelfPriceAtMost(album.Price * (1 - discount));
        if (album.Cost is { } cost && promotionPrice < cost)
        {
            // Never below what it cost: a clearance at a loss is a person's call, not a suggestion.
            promotionPrice = ShelfPriceAtLeast(cost);
            discount = album.Price > 0 ? Math.Round(1 - (promotionPrice / album.Price), 2) : 0;
            if (discount <= 0)
            {
                return null;
            }
        }

        var tiedUp = available * (album.Cost ?? album.Price);
        var impact = tiedUp >= policy.HighImpactStockValue ? "high" : tiedUp >= policy.MediumImpactStockValue ? "medium" : "low";
        var turnover = available > 0 ? Math.Round(album.SoldLast90 * 4.0 / available, 2) : 0;
        var metadata = new Dictionary<string, object?>
        {
            ["reason"] = reason,
            ["sku"] = album.Sku,
            ["price"] = album.Price,
            ["promotionPrice"] = promotionPrice,
            ["discount"] = discount,
            ["weeks"] = policy.Weeks,
            ["onHand"] = album.OnHand,
            ["available"] = available,
            ["daysInStock"] = Math.Round(daysInStock),
            ["soldLast90Days"] = album.SoldLast90,
            ["annualTurnover"] = turnover,
            ["forecastNext4Weeks"] = album.ForecastNext4Weeks is { } forecast ? Math.Round(forecast, 2) : null,
            ["weeksOfCover"] = double.IsInfinity(cover) ? null : Math.Round(cover, 1),
            ["stockValue"] = tiedUp,
            ["expectedUnits"] = expectedUnits,
            ["expectedExtraUnits"] = extraUnits,
            ["assumedElasticity"] = policy.Elasticity,
        };
        var why = reason == "slow_mover"
            ? Text($"has not sold in 90 days after {daysInStock:0} days in stock")
            : Text($"holds {cover:0} weeks of cover at {weekly:0.#} a week");
        var insight = Text($"{album.Title} by {album.Artist} {why} ({available} available, {Money(tiedUp)} tied up): ") +
            Text($"{Percent(discount)} off for {policy.Weeks} weeks should sell about {expectedUnits:0.#} ({extraUnits:0.#} more than without it).");
        return new InsightDraft(InsightTypes.Promotion, album.AlbumId, reason,
            Text($"Promote {album.Sku} at {Money(promotionPrice)} ({Percent(discount)} off) for {policy.Weeks} weeks."), insight, Confidence(confidence), impact,
            metadata, now + InsightTypes.Lifetime(InsightTypes.Promotion));
    }
}

/// <summary>The thresholds of <see cref="PromotionInsights"/>; recorded with the engine in ai_model_config.</summary>
public sealed record PromotionPolicy
{
    public static PromotionPolicy Default { get; } = new();

    /// <summary>At most this many a night, the most pressing first.</summary>
    public int MaxPerRun { get; init; } = 100;

    public int SlowMoverUnits { get; init; } = 2;
    public double SlowMoverDays { get; init; } = 90;
    public decimal SlowMoverDiscount { get; init; } = 0.25m;
    public int OverstockUnits { get; init; } = 6;
    public double OverstockWeeks { get; init; } = 26;
    public decimal OverstockDiscount { get; init; } = 0.15m;
    public int Weeks { get; init; } = 4;
    /// <summary>Units rise by this multiple of the discount (2: 20 % off sells 40 % more): an assumption, not a measurement.</summary>
    public double Elasticity { get; init; } = 2.0;
    public double MinimumWeeklyRate { get; init; } = 0.25;
    public decimal HighImpactStockValue { get; init; } = 500m;
    public decimal MediumImpactStockValue { get; init; } = 150m;
}
