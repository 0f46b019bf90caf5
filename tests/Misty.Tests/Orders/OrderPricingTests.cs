using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders;

namespace Misty.Tests.Orders;

[Trait("Category", "Unit")]
public sealed class OrderPricingTests
{
    private static readonly OrderPricing Pricing = new(new OrderOptions());

    [Fact]
    public void Tax_is_computed_once_on_the_subtotal_and_rounded_half_away_from_zero()
    {
        // 3 x 10.05 = 30.15; 8 % of it is 2.412.
        var totals = Pricing.Totals([OrderPricing.Line(Guid.NewGuid(), 3, 10.05m, 0m)!], SalesChannel.InStore);
        Assert.Equal((30.15m, 2.41m, 0m, 32.56m), (totals.Subtotal, totals.Tax, totals.ShippingFee, totals.Total));

        // 5 % of 10.10 is exactly 0.505: an invoice says 0.51, where banker's rounding would say 0.50.
        var options = new OrderOptions();
        options.TaxRates["in-store"] = 0.05m;
        var half = new OrderPricing(options).Totals([OrderPricing.Line(Guid.NewGuid(), 1, 10.60m, 0.50m)!], SalesChannel.InStore);
        Assert.Equal((10.10m, 0.51m, 10.61m), (half.Subtotal, half.Tax, half.Total));
    }

    [Theory]
    [InlineData(SalesChannel.InStore, 20.00, 0.00)]
    [InlineData(SalesChannel.Online, 20.00, 5.99)]
    [InlineData(SalesChannel.Phone, 74.99, 5.99)]
    [InlineData(SalesChannel.Online, 75.00, 0.00)]
    [InlineData(SalesChannel.Corporate, 500.00, 15.00)]
    public void Shipping_depends_on_the_channel_and_the_subtotal(SalesChannel channel, double price, double shipping)
    {
        var totals = Pricing.Totals([OrderPricing.Line(Guid.NewGuid(), 1, (decimal)price, 0m)!], channel);
        Assert.Equal((decimal)shipping, totals.ShippingFee);
    }

    [Fact]
    public void The_tax_rate_is_configurable_per_channel()
    {
        var options = new OrderOptions();
        options.TaxRates["corporate"] = 0m;
        var totals = new OrderPricing(options).Totals([OrderPricing.Line(Guid.NewGuid(), 2, 100m, 0m)!], SalesChannel.Corporate);
        Assert.Equal((200m, 0m, 15m, 215m), (totals.Subtotal, totals.Tax, totals.ShippingFee, totals.Total));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(50.01)]
    [InlineData(0.005)]
    public void A_discount_must_be_whole_cents_within_the_line(double discount) =>
        Assert.Null(OrderPricing.Line(Guid.NewGuid(), 2, 25m, (decimal)discount));

    [Property(MaxTest = 500)]
    public Property Parts_always_add_up_to_the_total_in_cents()
    {
        var cents = Gen.Choose(0, 50_000).Select(value => value / 100m);
        var line = from price in cents
                   from quantity in Gen.Choose(1, 5)
                   from share in Gen.Choose(0, 100)
                   select OrderPricing.Line(Guid.NewGuid(), quantity, price, OrderPricing.Cents(price * quantity * share / 100m) is var d && d <= price * quantity ? d : 0m)!;
        var order = from lines in Gen.ListOf(line).Where(lines => lines.Count > 0)
                    from channel in Gen.Elements(Enum.GetValues<SalesChannel>())
                    select (lines, channel);
        return Prop.ForAll(order.ToArbitrary(), sample =>
        {
            var totals = Pricing.Totals(sample.lines, sample.channel);
            var exactTax = totals.Subtotal * Pricing.TaxRate(sample.channel);
            return totals.Total == totals.Subtotal + totals.Tax + totals.ShippingFee
                && totals.Subtotal == sample.lines.Sum(l => l.Total)
                && new[] { totals.Subtotal, totals.Tax, totals.Total }.All(amount => amount == OrderPricing.Cents(amount))
                && Math.Abs(totals.Tax - exactTax) <= 0.005m;
        });
    }
}
