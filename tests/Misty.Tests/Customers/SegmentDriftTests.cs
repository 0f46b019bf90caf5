using Misty.Grains.Customers;
using Misty.Grains.Interfaces.Customers;

namespace Misty.Tests.Customers;

[Trait("Category", "Unit")]
public sealed class SegmentDriftTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 2, 30, 0, TimeSpan.Zero);

    private static CustomerFigures Figures(SegmentType? segment, decimal? score, CustomerStatus status = CustomerStatus.Active, int lastPurchaseDaysAgo = 100) =>
        new(Guid.NewGuid(), DateOnly.FromDateTime(Now.AddDays(-700).UtcDateTime), Now.AddDays(-lastPurchaseDaysAgo), 6, 750m, status, segment, score);

    [Fact]
    public void A_customer_is_due_when_the_rule_gives_another_segment_or_status_or_moves_the_score_a_point()
    {
        var fit = CustomerSegmentation.Assess(new DateTimeOffset(Now.AddDays(-700).Date, TimeSpan.Zero), Now.AddDays(-100), 6, 750m, Now);
        Assert.Equal(SegmentType.RegularEnthusiast, fit.Type);

        Assert.False(SegmentDrift.IsDue(Figures(fit.Type, fit.Score), Now));
        Assert.False(SegmentDrift.IsDue(Figures(fit.Type, fit.Score + 0.9m), Now));
        Assert.True(SegmentDrift.IsDue(Figures(fit.Type, fit.Score - 1m), Now));
        Assert.True(SegmentDrift.IsDue(Figures(SegmentType.VipCollector, fit.Score), Now));
        Assert.True(SegmentDrift.IsDue(Figures(fit.Type, fit.Score, CustomerStatus.Vip), Now));
        Assert.True(SegmentDrift.IsDue(Figures(null, null), Now));
        // A year and more without a purchase: still a regular by RFM, but inactive.
        Assert.True(SegmentDrift.IsDue(Figures(fit.Type, fit.Score, lastPurchaseDaysAgo: 400), Now));
    }
}
