using Misty.Grains.Customers;
using Misty.Grains.Interfaces.Customers;

namespace Misty.Tests.Customers;

[Trait("Category", "Unit")]
public sealed class CustomerSegmentationTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_rfm_score_weighs_recency_frequency_and_money()
    {
        Assert.Equal(0m, CustomerSegmentation.RfmScore(null, 0, 0m, Now));
        Assert.Equal(100m, CustomerSegmentation.RfmScore(Now.AddDays(-10), 12, 1_500m, Now));
        // A year since the last purchase: recency counts for nothing; six purchases and 750.00 are half of the rest.
        Assert.Equal(37.5m, CustomerSegmentation.RfmScore(Now.AddDays(-400), 6, 750m, Now));
        Assert.Equal(25m, CustomerSegmentation.RfmScore(Now.AddDays(-30), 0, 0m, Now));
    }

    [Fact]
    public void Collectors_are_vip_even_when_new_and_newcomers_fade_into_their_segment()
    {
        Assert.Equal(SegmentType.VipCollector, CustomerSegmentation.Assess(Now.AddDays(-5), Now, 12, 2_000m, Now).Type);

        var newcomer = CustomerSegmentation.Assess(Now.AddDays(-45), null, 0, 0m, Now);
        Assert.Equal((SegmentType.NewCustomer, 50m), (newcomer.Type, newcomer.Score));
        Assert.Equal(SegmentType.CasualBuyer, CustomerSegmentation.Assess(Now.AddDays(-91), null, 0, 0m, Now).Type);
    }

    [Fact]
    public void Enthusiasts_buy_often_enough_and_score_enough_and_everyone_else_is_casual()
    {
        var enthusiast = CustomerSegmentation.Assess(Now.AddYears(-1), Now.AddDays(-20), 6, 500m, Now);
        Assert.Equal(SegmentType.RegularEnthusiast, enthusiast.Type);
        Assert.Equal(CustomerSegmentation.RfmScore(Now.AddDays(-20), 6, 500m, Now), enthusiast.Score);

        var fewPurchases = CustomerSegmentation.Assess(Now.AddYears(-1), Now.AddDays(-20), 3, 900m, Now);
        Assert.Equal((SegmentType.CasualBuyer, 100 - CustomerSegmentation.RfmScore(Now.AddDays(-20), 3, 900m, Now)), (fewPurchases.Type, fewPurchases.Score));
    }

    [Fact]
    public void Status_is_vip_for_collectors_and_inactive_after_a_year_without_a_purchase()
    {
        Assert.Equal(CustomerStatus.Vip, CustomerSegmentation.StatusOf(SegmentType.VipCollector, Now.AddYears(-3), Now.AddYears(-2), Now));
        Assert.Equal(CustomerStatus.Inactive, CustomerSegmentation.StatusOf(SegmentType.CasualBuyer, Now.AddYears(-3), Now.AddDays(-366), Now));
        Assert.Equal(CustomerStatus.Active, CustomerSegmentation.StatusOf(SegmentType.CasualBuyer, Now.AddYears(-3), Now.AddDays(-364), Now));
        Assert.Equal(CustomerStatus.Active, CustomerSegmentation.StatusOf(SegmentType.NewCustomer, Now.AddDays(-10), null, Now));
    }
}
