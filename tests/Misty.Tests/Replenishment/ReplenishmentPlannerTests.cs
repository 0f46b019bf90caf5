using Misty.Grains.Replenishment;

namespace Misty.Tests.Replenishment;

[Trait("Category", "Unit")]
public sealed class ReplenishmentPlannerTests
{
    private static readonly SupplierQuote Cheap = new(Guid.NewGuid(), 10m, 1, 1, 7, 0.95m);

    private static ReplenishmentInput Input(int onHand, int onOrder, params SupplierQuote[] quotes) =>
        new(onHand, 0, onOrder, Enumerable.Repeat(7.0, 12).ToArray(), Enumerable.Repeat(10.0, 12).ToArray(), 56, quotes);

    [Fact]
    public void Orders_up_to_mean_demand_plus_combined_margins_over_lead_time_and_review_less_what_is_held_and_on_order()
    {
        // Lead 7 days stretched by 5 % unreliability to 8; 8 + 7 = 15 days: mean 7 x 15/7 = 15, margins of 3 over
        // weeks of 7, 7 and 1 day combine to sqrt(9 + 9 + (3/7)^2) = 4.26, so up to 20 (not the 22 of adding them).
        var plan = ReplenishmentPlanner.Plan(Input(onHand: 9, onOrder: 3, Cheap) with { Held = 2 })!;

        Assert.Equal((20, 10, 8), (plan.OrderUpTo, plan.Quantity, plan.LeadDays));
        Assert.Equal("critical", plan.Priority);
        Assert.Equal("Sold 56 in 8 weeks, 8 forecast over the 8-day lead time, 7 on hand, 3 on order: order 10 to reach 20.", plan.Insight);
    }

    [Fact]
    public void A_rerun_with_the_first_plan_on_order_orders_nothing_and_a_later_sale_orders_only_the_difference()
    {
        var first = ReplenishmentPlanner.Plan(Input(onHand: 2, onOrder: 0, Cheap))!;
        var replay = ReplenishmentPlanner.Plan(Input(onHand: 2, onOrder: first.Quantity, Cheap));
        var afterSale = ReplenishmentPlanner.Plan(Input(onHand: 1, onOrder: first.Quantity, Cheap))!;

        Assert.Equal("critical", first.Priority);
        Assert.Null(replay);
        Assert.Equal(1, afterSale.Quantity);
    }

    [Fact]
    public void Priority_is_critical_only_when_stock_runs_out_before_the_goods_could_arrive()
    {
        // 8 days of 7 a week is 8 units: 8 on hand lasts, so high (the upper bound over the lead time is not covered).
        Assert.Equal("high", ReplenishmentPlanner.Plan(Input(onHand: 8, onOrder: 0, Cheap))!.Priority);
        Assert.Equal("critical", ReplenishmentPlanner.Plan(Input(onHand: 7, onOrder: 0, Cheap))!.Priority);
        Assert.Equal("medium", ReplenishmentPlanner.Plan(Input(onHand: 16, onOrder: 0, Cheap))!.Priority);
    }

    [Fact]
    public void Chooses_by_cost_of_what_is_bought_weighed_by_reliability_and_rounds_to_packs_above_the_minimum()
    {
        var unreliable = new SupplierQuote(Guid.NewGuid(), 8m, 1, 1, 7, 0.5m);
        var bigMinimum = new SupplierQuote(Guid.NewGuid(), 9m, 100, 1, 7, 1m);
        var packs = new SupplierQuote(Guid.NewGuid(), 9.5m, 15, 10, 7, 1m);

        var plan = ReplenishmentPlanner.Plan(Input(onHand: 5, onOrder: 0, unreliable, bigMinimum, packs))!;

        Assert.Equal(packs.SupplierId, plan.Supplier!.SupplierId);
        Assert.Equal(20, plan.Quantity);
    }

    [Fact]
    public void Without_a_forecast_the_albums_own_level_applies_and_without_a_supplier_the_need_is_still_planned()
    {
        var noForecast = new ReplenishmentInput(3, 0, 0, [], [], 0, [Cheap], FallbackLevel: 10);
        var noSupplier = ReplenishmentPlanner.Plan(Input(onHand: 0, onOrder: 0))!;

        Assert.Equal(7, ReplenishmentPlanner.Plan(noForecast)!.Quantity);
        Assert.Null(noSupplier.Supplier);
        Assert.Equal(ReplenishmentPlanner.UnknownLeadDays, noSupplier.LeadDays);
        Assert.Null(ReplenishmentPlanner.Plan(Input(onHand: 100, onOrder: 0)));
    }

    [Fact]
    public void A_wider_interval_earns_less_confidence_and_a_higher_service_scale_more_stock()
    {
        var narrow = ReplenishmentPlanner.Plan(Input(onHand: 0, onOrder: 0, Cheap))!;
        var wide = ReplenishmentPlanner.Plan(Input(onHand: 0, onOrder: 0, Cheap) with { WeeklyUpper = Enumerable.Repeat(20.0, 12).ToArray() })!;
        var cautious = ReplenishmentPlanner.Plan(Input(onHand: 0, onOrder: 0, Cheap), new ReplenishmentPolicy(ServiceScale: 2))!;

        Assert.True(wide.Confidence < narrow.Confidence, $"{wide.Confidence} < {narrow.Confidence}");
        Assert.True(cautious.OrderUpTo > narrow.OrderUpTo);
    }

    [Fact]
    public void A_slow_seller_whose_median_week_is_zero_is_stocked_for_its_mean()
    {
        var (forecast, upper) = ReplenishmentForecast.Demand([0, 0], [1, 1], [1, 0, 1, 0, 0, 1, 0, 1]);
        var (steady, _) = ReplenishmentForecast.Demand([3, 3], [5, 5], [1, 1]);

        Assert.Equal([0.5, 0.5], forecast);
        Assert.Equal([1.0, 1.0], upper);
        Assert.Equal([3.0, 3.0], steady);
        Assert.Equal([], ReplenishmentStore.RecentWeeks(null));
        Assert.Equal([2.0, 0.0], ReplenishmentStore.RecentWeeks("[2, 0]"));
    }

    [Theory]
    [InlineData(0.5, 0.9, 1)]
    [InlineData(2.0, 0.9, 4)]
    [InlineData(2.0, 0.5, 2)]
    [InlineData(0.0, 0.9, 0)]
    public void A_slow_sellers_stock_is_the_poisson_quantile_of_its_demand(double mean, double quantile, int expected) =>
        Assert.Equal(expected, ReplenishmentPlanner.PoissonQuantile(mean, quantile));

    [Theory]
    [InlineData(0.4, 0.2, 0.9, 2)]
    [InlineData(0.4, 0.2, 0.5, 1)]
    [InlineData(4.0, 2.0, 0.9, 6)]
    [InlineData(0.0, 0.0, 0.9, 0)]
    public void A_slow_sellers_fill_level_keeps_its_expected_shortfall_within_the_lost_share_of_a_reviews_demand(
        double mean, double reviewMean, double fillRate, int expected) =>
        Assert.Equal(expected, ReplenishmentPlanner.PoissonFillLevel(mean, reviewMean, fillRate));

    [Fact]
    public void A_record_selling_a_copy_every_five_weeks_keeps_a_second_so_one_sale_does_not_empty_the_shelf()
    {
        // 0.2 a week: one copy covers the 14 days nine times in ten, yet each sale of it leaves the shelf empty until
        // the next review's order lands, a third of its sales lost; the unit fill level asks for two.
        var input = new ReplenishmentInput(OnHand: 0, Held: 0, OnOrder: 0, WeeklyForecast: [.. Enumerable.Repeat(0.2, 12)],
            WeeklyUpper: [.. Enumerable.Repeat(1.0, 12)], SoldLastEightWeeks: 2, Quotes: []);
        Assert.Equal(1, ReplenishmentPlanner.PoissonQuantile(0.4, ReplenishmentPlanner.ServiceQuantile(1)));
        Assert.Equal(2, ReplenishmentPlanner.ServiceLevel(input, ReplenishmentPolicy.Default, leadDays: 7));
    }

    [Fact]
    public void The_default_service_scale_is_the_upper_quantile_of_the_stored_80_percent_interval()
    {
        Assert.Equal(0.9, ReplenishmentPlanner.ServiceQuantile(1), 3);
        Assert.Equal(0.5, ReplenishmentPlanner.ServiceQuantile(0), 6);
        Assert.True(ReplenishmentPlanner.ServiceQuantile(1.5) > ReplenishmentPlanner.ServiceQuantile(1));
    }

    [Fact]
    public void A_record_selling_a_copy_every_few_weeks_keeps_copies_on_the_shelf_though_its_median_week_is_zero()
    {
        // 0.3 a week over a 7-day lead time and a 7-day review: 0.6 expected, two copies cover it nine times in ten.
        var input = new ReplenishmentInput(OnHand: 0, Held: 0, OnOrder: 0, WeeklyForecast: [.. Enumerable.Repeat(0.3, 12)],
            WeeklyUpper: [.. Enumerable.Repeat(1.0, 12)], SoldLastEightWeeks: 2, Quotes: []);
        Assert.Equal(2, ReplenishmentPlanner.ServiceLevel(input, ReplenishmentPolicy.Default, leadDays: 7));
    }

    [Theory]
    // Same cost: a copy moves from the 0.2-a-week record to the 4-a-week one, where it is likelier to sell.
    [InlineData(4.0, 0.2, 10, 10, 13, 1)]
    // The slow record three times as dear: its second copy buys two more of the fast one, within the same budget.
    [InlineData(3.0, 0.3, 10, 30, 11, 1)]
    public void Under_one_stock_budget_copies_go_where_they_save_more_lost_sales(
        double fastWeekly, double slowWeekly, int fastCost, int slowCost, int fastLevel, int slowLevel)
    {
        var policy = ReplenishmentPolicy.Default;
        var albums = new[] { Album(fastWeekly, fastCost), Album(slowWeekly, slowCost) };

        var priced = policy with { StockPrice = ReplenishmentBudget.StockPrice(albums, policy) };
        var service = albums.Select(a => ReplenishmentPlanner.ServiceLevel(a.Input, policy, a.LeadDays)).ToArray();
        var allocated = albums.Select(a => ReplenishmentPlanner.OrderUpTo(a.Input, priced, a.LeadDays, a.UnitCost)).ToArray();

        Assert.Equal([fastLevel, slowLevel], allocated);
        Assert.NotEqual(service, allocated);
        Assert.True(Value(albums, allocated) <= Value(albums, service), $"{Value(albums, allocated)} <= {Value(albums, service)}");
        // Lost per review with order-up-to S: what demand over lead time plus review exceeds S by, less what the lead
        // time alone did (lost in the cycle before).
        double Lost(int[] levels) => albums.Zip(levels, (a, s) => Shortfall(2 * a.Input.WeeklyForecast[0], s) - Shortfall(a.Input.WeeklyForecast[0], s)).Sum();
        Assert.True(Lost(allocated) < Lost(service), $"{Lost(allocated)} < {Lost(service)}");
    }

    [Fact]
    public void A_dearer_copy_must_save_more_sales_and_a_higher_stock_price_keeps_fewer()
    {
        var album = Album(3.0, 10);
        var levels = new[] { 0.001, 0.01, 0.1 }.Select(price => ReplenishmentPlanner.AllocatedLevel(album.Input, ReplenishmentPolicy.Default, 7, price)).ToArray();
        var policy = ReplenishmentPolicy.Default with { StockPrice = 0.001 };

        Assert.True(levels[0] > levels[1] && levels[1] > levels[2], string.Join(", ", levels));
        Assert.True(ReplenishmentPlanner.OrderUpTo(album.Input, policy, 7, 10m) > ReplenishmentPlanner.OrderUpTo(album.Input, policy, 7, 100m));
        Assert.Null(ReplenishmentBudget.StockPrice([Album(3.0, 0)], ReplenishmentPolicy.Default));
    }

    private static BudgetedAlbum Album(double weekly, int cost) => new(
        new ReplenishmentInput(0, 0, 0, [.. Enumerable.Repeat(weekly, 12)], [.. Enumerable.Repeat(weekly + 2, 12)], 0, []), 7, cost);

    private static decimal Value(BudgetedAlbum[] albums, int[] levels) => albums.Zip(levels, (a, s) => a.UnitCost * s).Sum();

    /// <summary>E[(D - s)+] for Poisson demand with mean <paramref name="mean"/>.</summary>
    private static double Shortfall(double mean, int s)
    {
        var (term, total) = (Math.Exp(-mean), 0.0);
        for (var k = 0; k < 100; k++, term *= mean / k)
        {
            total += Math.Max(0, k - s) * term;
        }

        return total;
    }
}
