using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders.Fraud;

namespace Misty.Tests.Orders;

[Trait("Category", "Unit")]
public sealed class FraudModelTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly FraudModel Model = new();

    /// <summary>A customer of two years with five paid orders averaging 40.00, the largest 80.00, and nothing unusual lately.</summary>
    private static CustomerRiskProfile Regular(int failed = 0, int ordersToday = 0, int attemptsThisHour = 0) =>
        new(Now.AddYears(-2), "12 Elm St., Springfield", 5, 200m, 80m, ordersToday, attemptsThisHour, failed);

    private static FraudInput Input(decimal amount, CustomerRiskProfile customer, PaymentMethod method = PaymentMethod.Card,
        SalesChannel channel = SalesChannel.Online, string? address = "12 elm st springfield", int rare = 0, int valuable = 0) =>
        new(amount, channel, method, address, rare, valuable, customer, Now);

    [Fact]
    public void Cash_scores_nothing_whatever_else_the_order_holds()
    {
        var assessment = Model.Assess(Input(5_000m, Regular(failed: 3), PaymentMethod.Cash, rare: 4));

        Assert.Equal((0, false), (assessment.Score, assessment.Flagged));
        Assert.Equal("cash", Assert.Single(assessment.Reasons).Code);
    }

    [Fact]
    public void A_regular_customers_usual_online_order_scores_only_for_the_card_not_being_present()
    {
        var assessment = Model.Assess(Input(45m, Regular()));

        Assert.Equal((5, false), (assessment.Score, assessment.Flagged));
        Assert.Equal("card_not_present", Assert.Single(assessment.Reasons).Code);
    }

    [Fact]
    public void Signals_add_up_with_their_reasons_and_the_score_is_capped_at_100()
    {
        var newcomer = new CustomerRiskProfile(Now.AddDays(-1), "1 Other Road", 0, 0m, 0m, 4, 3, 2);
        var assessment = Model.Assess(Input(600m, newcomer, channel: SalesChannel.Phone, rare: 3, valuable: 2));

        Assert.Equal((100, true), (assessment.Score, assessment.Flagged));
        Assert.Equal(["new_customer_high_value", "order_velocity", "payment_velocity", "failed_payments", "address_mismatch", "rare_items", "high_value_items", "card_not_present"],
            assessment.Reasons.Select(reason => reason.Code));
        Assert.True(assessment.Reasons.Sum(reason => reason.Points) > 100);
        Assert.Equal(20, assessment.Reasons.Single(reason => reason.Code == "rare_items").Points);
    }

    [Theory]
    [InlineData(90, 0)]
    [InlineData(110, 12)]
    [InlineData(170, 30)]
    public void An_amount_far_above_the_customers_history_scores_by_how_far(int amount, int points)
    {
        var assessment = Model.Assess(Input(amount, Regular(), channel: SalesChannel.InStore, address: null));

        Assert.Equal(points, assessment.Reasons.Where(reason => reason.Code == "amount_vs_history").Sum(reason => reason.Points));
    }

    [Fact]
    public void A_bank_transfer_earns_points_off_and_the_score_never_goes_below_zero()
    {
        var assessment = Model.Assess(Input(45m, Regular(), PaymentMethod.BankTransfer));

        Assert.Equal(0, assessment.Score);
        Assert.Equal(-15, Assert.Single(assessment.Reasons).Points);
    }

    [Fact]
    public void The_threshold_decides_what_is_flagged()
    {
        var input = Input(45m, Regular(failed: 2));

        Assert.Equal(30, Model.Assess(input).Score);
        Assert.False(Model.Assess(input).Flagged);
        Assert.True(new FraudModel(threshold: 30).Assess(input).Flagged);
    }

    [Fact]
    public void Addresses_compare_by_letters_and_digits_only()
    {
        Assert.Equal(FraudModel.Normalize("12 Elm St., Springfield"), FraudModel.Normalize("12 elm st springfield"));
        Assert.Contains(Model.Assess(Input(45m, Regular() with { Address = null })).Reasons, reason => reason.Code == "address_unverified");
    }
}
