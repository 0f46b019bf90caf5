using Misty.Grains.Insights;

namespace Misty.Tests.Insights;

[Trait("Category", "Unit")]
public sealed class InsightRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private static AlbumFacts Album(decimal price = 40m, decimal? estimated = null, bool rare = true, int onHand = 1, int reserved = 0,
        int stockedDaysAgo = 30, int sold30 = 0, int sold90 = 0, int? lastSaleDaysAgo = null, double? forecast = null, decimal? cost = 20m,
        string genre = "Jazz", string condition = "NM", int views = 0) =>
        new(Guid.NewGuid(), "SKU-" + Guid.NewGuid().ToString("N")[..6], "Kind of Blue", "Miles Davis", genre, condition, rare, price, cost, estimated,
            onHand, reserved, Now.AddDays(-stockedDaysAgo), sold30, sold90, lastSaleDaysAgo is { } days ? Now.AddDays(-days) : null, views, forecast);

    [Fact]
    public void A_rare_record_far_under_its_estimated_value_is_priced_up_to_it_with_the_evidence()
    {
        var album = Album(price: 40m, estimated: 80m, onHand: 3, sold90: 1, lastSaleDaysAgo: 40, views: 7);
        var peer = Album(price: 70m, estimated: 72m, sold90: 1, lastSaleDaysAgo: 10);

        var drafts = PricingInsights.Default.Raise([album, peer], Now);

        var draft = Assert.Single(drafts, draft => draft.EntityId == album.AlbumId);
        Assert.Equal(("pricing", "below_value", 79.99m), (draft.Type, draft.Reason, draft.SuggestedPrice));
        Assert.Equal(70m, draft.Metadata["comparablePrice"]);
        Assert.Equal(7, draft.Metadata["views90Days"]);
        Assert.Equal("NM", draft.Metadata["condition"]);
        Assert.Equal("high", draft.Impact);
        Assert.InRange(draft.Confidence, 80, 90);
        Assert.Equal(Now + InsightTypes.Lifetime("pricing"), draft.ExpiresAt);
        Assert.Contains("$40.00, 50% under its estimated value of $80.00 (comparable records: $70.00): raise it to $79.99.", draft.Insight, StringComparison.Ordinal);
        // The peer is within a quarter of its value and sells: nothing to say.
        Assert.DoesNotContain(drafts, d => d.EntityId == peer.AlbumId);
    }

    [Fact]
    public void A_record_that_sells_out_at_once_is_raised_a_tenth_but_never_beyond_a_quarter_over_its_value()
    {
        var hot = Album(price: 50m, onHand: 0, sold30: 3, sold90: 3, lastSaleDaysAgo: 2);
        var capped = Album(price: 60m, estimated: 50m, onHand: 0, sold30: 2, sold90: 2, lastSaleDaysAgo: 5);
        var atCeiling = Album(price: 63m, estimated: 50m, onHand: 0, sold30: 2, sold90: 2, lastSaleDaysAgo: 5);

        var drafts = PricingInsights.Default.Raise([hot, capped, atCeiling], Now).ToDictionary(draft => draft.EntityId);

        Assert.Equal(("sells_out", 54.99m), (drafts[hot.AlbumId].Reason, drafts[hot.AlbumId].SuggestedPrice));
        Assert.Equal(61.99m, drafts[capped.AlbumId].SuggestedPrice);
        // 1.25 x 50 = 62.50 is not above 63: no raise, and it is over its value but selling, so no cut either.
        Assert.False(drafts.ContainsKey(atCeiling.AlbumId));
    }

    [Fact]
    public void A_collectible_that_has_not_sold_since_it_came_in_is_cut_but_not_below_cost_plus_margin()
    {
        var idle = Album(price: 100m, onHand: 2, stockedDaysAgo: 200, cost: 50m);
        var nearCost = Album(price: 60m, onHand: 2, stockedDaysAgo: 200, cost: 54m);
        var recent = Album(price: 100m, onHand: 2, stockedDaysAgo: 60);
        var common = Album(price: 100m, rare: false, onHand: 2, stockedDaysAgo: 200);

        var drafts = PricingInsights.Default.Raise([idle, nearCost, recent, common], Now).ToDictionary(draft => draft.EntityId);

        Assert.Equal(("not_selling", 84.99m), (drafts[idle.AlbumId].Reason, drafts[idle.AlbumId].SuggestedPrice));
        // 0.85 x 60 = 51 is under cost plus a tenth (59.40): the next shelf price over that, still a cut.
        Assert.Equal(59.99m, drafts[nearCost.AlbumId].SuggestedPrice);
        Assert.False(drafts.ContainsKey(recent.AlbumId));
        Assert.False(drafts.ContainsKey(common.AlbumId));
    }

    [Fact]
    public void Slow_movers_and_overstock_get_a_promotion_with_its_expected_effect_and_priced_albums_are_left_alone()
    {
        var slow = Album(price: 20m, rare: false, onHand: 4, stockedDaysAgo: 150, cost: 10m);
        var overstocked = Album(price: 30m, rare: false, onHand: 40, stockedDaysAgo: 60, sold90: 13, forecast: 4, cost: 15m);
        var healthy = Album(price: 30m, rare: false, onHand: 5, stockedDaysAgo: 200, sold90: 26, forecast: 8);
        var priced = Album(price: 20m, rare: false, onHand: 4, stockedDaysAgo: 150);

        var drafts = PromotionInsights.Default.Raise([slow, overstocked, healthy, priced], new HashSet<Guid> { priced.AlbumId }, Now)
            .ToDictionary(draft => draft.EntityId);

        Assert.Equal(2, drafts.Count);
        var slowDraft = drafts[slow.AlbumId];
        Assert.Equal(("promotion", "slow_mover"), (slowDraft.Type, slowDraft.Reason));
        Assert.Equal(14.99m, slowDraft.Metadata["promotionPrice"]);
        Assert.Equal(0.25m, slowDraft.Metadata["discount"]);
        // A quarter of a unit a week stands in for no sales; 25 % off at elasticity 2 sells 1.5 x that for 4 weeks.
        Assert.Equal(1.5, slowDraft.Metadata["expectedUnits"]);
        var over = drafts[overstocked.AlbumId];
        Assert.Equal("overstock", over.Reason);
        Assert.Equal(40.0, over.Metadata["weeksOfCover"]);
        Assert.Equal(5.2, over.Metadata["expectedUnits"]);
        Assert.Equal("high", over.Impact);
        Assert.Contains("15% off for 4 weeks should sell about 5.2 (1.2 more than without it).", over.Insight, StringComparison.Ordinal);
    }

    [Fact]
    public void A_night_raises_at_most_its_cap_the_most_pressing_first()
    {
        var small = Album(price: 20m, rare: false, onHand: 2, stockedDaysAgo: 150, cost: 10m);
        var large = Album(price: 20m, rare: false, onHand: 60, stockedDaysAgo: 150, cost: 10m);
        var capped = new PromotionInsights(PromotionPolicy.Default with { MaxPerRun = 1 });

        var draft = Assert.Single(capped.Raise([small, large], new HashSet<Guid>(), Now));

        Assert.Equal((large.AlbumId, "high"), (draft.EntityId, draft.Impact));
    }

    [Fact]
    public void A_promotion_never_prices_below_cost()
    {
        var thin = Album(price: 20m, rare: false, onHand: 4, stockedDaysAgo: 150, cost: 18m);
        var underwater = Album(price: 20m, rare: false, onHand: 4, stockedDaysAgo: 150, cost: 21m);

        var drafts = PromotionInsights.Default.Raise([thin, underwater], new HashSet<Guid>(), Now).ToDictionary(draft => draft.EntityId);

        Assert.Equal(18.99m, drafts[thin.AlbumId].Metadata["promotionPrice"]);
        Assert.Equal(0.05m, drafts[thin.AlbumId].Metadata["discount"]);
        Assert.False(drafts.ContainsKey(underwater.AlbumId));
    }

    [Fact]
    public void Vips_and_regulars_past_twice_their_usual_gap_are_lapsing_until_a_year_has_gone()
    {
        CustomerFacts Customer(string segment, int orders, int firstDaysAgo, int lastDaysAgo, decimal value = 800m) =>
            new(Guid.NewGuid(), "Ada Lovelace", segment, value, orders, Now.AddDays(-firstDaysAgo), Now.AddDays(-lastDaysAgo), Guid.NewGuid(), "Blue Train", "John Coltrane");
        var vip = Customer("vip_collector", orders: 11, firstDaysAgo: 400, lastDaysAgo: 100, value: 2_400m);
        var onRhythm = Customer("vip_collector", orders: 3, firstDaysAgo: 300, lastDaysAgo: 100);
        var regular = Customer("regular_enthusiast", orders: 5, firstDaysAgo: 200, lastDaysAgo: 70);
        var casual = Customer("casual_buyer", orders: 5, firstDaysAgo: 200, lastDaysAgo: 100);
        var gone = Customer("vip_collector", orders: 11, firstDaysAgo: 800, lastDaysAgo: 400);

        var drafts = WinBackInsights.Default.Raise([vip, onRhythm, regular, casual, gone], Now).ToDictionary(draft => draft.EntityId);

        Assert.Equal(new[] { vip.CustomerId, regular.CustomerId }.Order(), drafts.Keys.Order());
        var vipDraft = drafts[vip.CustomerId];
        Assert.Equal(("customer", "high"), (vipDraft.Type, vipDraft.Impact));
        Assert.Equal(30.0, vipDraft.Metadata["usualGapDays"]);
        Assert.Contains("win them back with Blue Train by John Coltrane", vipDraft.Insight, StringComparison.Ordinal);
        Assert.Equal("medium", drafts[regular.CustomerId].Impact);
        Assert.True(vipDraft.Confidence > drafts[regular.CustomerId].Confidence);
    }

    [Fact]
    public void Shelf_prices_end_in_99_cents_on_the_side_the_rule_needs()
    {
        Assert.Equal(79.99m, InsightMath.ShelfPriceAtMost(80m));
        Assert.Equal(61.99m, InsightMath.ShelfPriceAtMost(62.5m));
        Assert.Equal(59.99m, InsightMath.ShelfPriceAtLeast(59.4m));
        Assert.Equal(0.5m, InsightMath.ShelfPriceAtMost(0.5m));
    }
}
