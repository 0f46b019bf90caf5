using Misty.Grains.Replenishment;

namespace Misty.Tests.Replenishment;

[Trait("Category", "Unit")]
[Trait("Category", "Unit")]
public sealed class ReplenishmentPlannerTests
{
    private static readonly SupplierQuote Cheap = new(Guid.NewGuid(), 10m, 1m, 1, 1, 7, 0.95m);

    private static ReplenishmentInput Input(int onHand, int onOrder, params SupplierQuote[] quotes) =>
        new(onHand, 0, onOrder, Enumerable.Repeat(7.0, 12).ToArray(), Enumerable.Repeat(10.0, 12).ToArray(), 7, 56, quotes);

    [Fact]
    public void Orders_up_to_the_upper_bound_over_lead_time_and_review_less_what_is_held_and_on_order()
    {
        // Lead 7 days stretched by 5 % unreliability to 8; 8 + 7 review days of the upper bound 10/week = 21.43 -> 22.
        var plan = ReplenishmentPlanner.Plan(Input(onHand: 9, onOrder: 3, Cheap))!;

        Assert.Equal((22, 10), (plan.OrderUpTo, plan.Quantity));
        Assert.Equal("high", plan.Priority);
        Assert.StartsWith("Sold 56 in 8 weeks, 8 forecast over the 8-day lead time, 9 on hand, 3 on order", plan.Insight, StringComparison.Ordinal);
    }

    [Fact]
    public void Replaying_the_same_week_twice_orders_nothing_the_second_time()
    {
        var first = ReplenishmentPlanner.Plan(Input(onHand: 2, onOrder: 0, Cheap))!;
        var replay = ReplenishmentPlanner.Plan(Input(onHand: 2, onOrder: first.Quantity, Cheap));

        Assert.Equal("critical", first.Priority);
        Assert.Null(replay);
    }

    [Fact]
    public void Chooses_by_landed_cost_weighed_by_reliability_and_rounds_to_packs_above_the_minimum()
    {
        var freightHeavy = new SupplierQuote(Guid.NewGuid(), 8m, 8m, 1, 1, 7, 0.95m);
        var unreliable = new SupplierQuote(Guid.NewGuid(), 9m, 0m, 1, 1, 7, 0.5m);
        var packs = new SupplierQuote(Guid.NewGuid(), 9.5m, 0m, 15, 10, 7, 1m);

        var plan = ReplenishmentPlanner.Plan(Input(onHand: 10, onOrder: 0, freightHeavy, unreliable, packs))!;

        Assert.Equal(packs.SupplierId, plan.Supplier!.SupplierId);
        Assert.Equal(20, plan.Quantity);
    }

    [Fact]
    public void Without_a_supplier_the_need_is_still_planned_for_a_person_to_source()
    {
        var plan = ReplenishmentPlanner.Plan(Input(onHand: 0, onOrder: 0))!;

        Assert.Null(plan.Supplier);
        Assert.True(plan.Quantity > 0);
        Assert.Null(ReplenishmentPlanner.Plan(Input(onHand: 100, onOrder: 0)));
    }
}
