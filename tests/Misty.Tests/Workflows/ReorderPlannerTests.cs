using Misty.Grains.Workflows.BuiltIn;
using Misty.Grains.Workflows.Engine;

namespace Misty.Tests.Workflows;

[Trait("Category", "Unit")]
public sealed class ReorderPlannerTests
{
    private static readonly SupplierOffer Cheap = new(Guid.NewGuid(), 9.00m, 1, 60);
    private static readonly SupplierOffer CheaperButBulk = new(Guid.NewGuid(), 8.00m, 20, 90);

    [Fact]
    public void Orders_up_to_the_optimal_level_less_what_is_on_order()
    {
        Assert.Equal(10, ReorderPlanner.Shortfall(available: 0, reorderPoint: 3, optimalStockLevel: 10, onOrder: 0));
        Assert.Equal(4, ReorderPlanner.Shortfall(available: 2, reorderPoint: 3, optimalStockLevel: 10, onOrder: 4));
        Assert.Null(ReorderPlanner.Decide(available: 2, reorderPoint: 3, optimalStockLevel: 10, onOrder: 8, [Cheap]));
        // With no optimal level set, it still orders above the reorder point.
        Assert.Equal(2, ReorderPlanner.Shortfall(available: 2, reorderPoint: 3, optimalStockLevel: 0, onOrder: 0));
    }

    [Fact]
    public void The_cheapest_supplier_is_the_cheapest_for_what_must_be_bought()
    {
        var small = ReorderPlanner.Decide(available: 1, reorderPoint: 3, optimalStockLevel: 6, onOrder: 0, [CheaperButBulk, Cheap])!;
        Assert.Equal((5, Cheap, 45.00m), (small.Quantity, small.Offer, small.TotalCost));

        var large = ReorderPlanner.Decide(available: 0, reorderPoint: 3, optimalStockLevel: 20, onOrder: 0, [Cheap, CheaperButBulk])!;
        Assert.Equal((20, CheaperButBulk, 160.00m), (large.Quantity, large.Offer, large.TotalCost));
    }

    [Fact]
    public void Without_a_supplier_the_reorder_is_queued_for_a_person_to_place()
    {
        var decision = ReorderPlanner.Decide(available: 0, reorderPoint: 2, optimalStockLevel: 5, onOrder: 0, [])!;

        Assert.Equal((5, null, null, "critical"), (decision.Quantity, decision.Offer, decision.TotalCost, decision.Priority));
    }

    [Theory]
    [InlineData(0, "critical")]
    [InlineData(2, "high")]
    [InlineData(3, "medium")]
    public void Priority_follows_how_little_is_left(int available, string priority) =>
        Assert.Equal(priority, ReorderPlanner.Decide(available, reorderPoint: 4, optimalStockLevel: 12, onOrder: 0, [Cheap])!.Priority);

    [Fact]
    public void Retry_delays_double_up_to_the_limit()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));

        Assert.Equal([2, 4, 5, 5], Enumerable.Range(1, 4).Select(n => policy.DelayAfter(n).TotalSeconds));
    }
}
