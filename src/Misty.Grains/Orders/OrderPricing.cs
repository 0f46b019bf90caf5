using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Orders;

namespace Misty.Grains.Orders;

public sealed record PricedLine(Guid AlbumId, int Quantity, decimal UnitPrice, decimal Discount, decimal Total);

public sealed record OrderTotals(decimal Subtotal, decimal Tax, decimal ShippingFee, decimal Total);

/// <summary>
/// Order arithmetic in decimal, rounded as an invoice is: line totals are exact (prices and discounts are in cents),
/// tax is computed once on the subtotal and rounded half away from zero to the cent, and the total is exactly
/// subtotal + tax + shipping, so the parts always add up.
/// </summary>
public sealed class OrderPricing(OrderOptions options)
{
    public static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <returns>The priced line, or null when the discount is negative, has fractions of a cent, or exceeds the line.</returns>
    public static PricedLine? Line(Guid albumId, int quantity, decimal unitPrice, decimal discount)
    {
        var gross = unitPrice * quantity;
        return discount < 0 || discount > gross || Cents(discount) != discount
            ? null
            : new PricedLine(albumId, quantity, unitPrice, discount, gross - discount);
    }

    public OrderTotals Totals(IReadOnlyCollection<PricedLine> lines, SalesChannel channel)
    {
        var subtotal = lines.Sum(line => line.Total);
        var tax = Cents(subtotal * TaxRate(channel));
        var shipping = channel switch
        {
            SalesChannel.InStore => 0m,
            SalesChannel.Corporate => options.FreightShipping,
            _ => subtotal >= options.FreeShippingFrom ? 0m : options.StandardShipping,
        };
        return new OrderTotals(subtotal, tax, shipping, subtotal + tax + shipping);
    }

    public decimal TaxRate(SalesChannel channel) => options.TaxRates.GetValueOrDefault(SchemaNames.Of(channel));
}
