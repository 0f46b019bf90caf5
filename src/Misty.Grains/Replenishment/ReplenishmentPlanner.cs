using System.Globalization;

namespace Misty.Grains.Replenishment;

/// <summary>A supplier's price for an album valid on the planning day, with what the supplier promises.</summary>
/// <param name="ShippingPerUnit">Freight and duty per unit, so the comparison is of landed cost.</param>
/// <param name="PackSize">Units per pack; orders are whole packs.</param>
/// <param name="DeliveryDays">The supplier's average delivery time.</param>
/// <param name="Reliability">0 to 1: the share of orders delivered complete and on time; null when unknown.</param>
public sealed record SupplierQuote(Guid SupplierId, decimal UnitCost, decimal ShippingPerUnit, int MinimumOrderQuantity, int PackSize,
    int DeliveryDays, decimal? Reliability);

/// <param name="WeeklyForecast">Forecast demand per week from today.</param>
/// <param name="WeeklyUpper">The forecast interval's upper bound per week: demand at the service level.</param>
/// <param name="OnOrder">Units queued, approved or ordered and not yet received: counted so no shortage is ordered twice.</param>
/// <param name="SoldLastEightWeeks">For the explanation only.</param>
public sealed record ReplenishmentInput(int OnHand, int Held, int OnOrder, double[] WeeklyForecast, double[] WeeklyUpper,
    int ReviewDays, int SoldLastEightWeeks, IReadOnlyList<SupplierQuote> Quotes);

/// <param name="OrderUpTo">Stock that covers demand over lead time and review period at the service level.</param>
/// <param name="Confidence">0 to 1, from the forecast's relative width: a narrow interval earns more trust.</param>
/// <param name="Insight">One sentence with the numbers behind the order.</param>
public sealed record ReplenishmentPlan(int Quantity, SupplierQuote? Supplier, string Priority, int OrderUpTo, double DemandOverLeadTime,
    double Confidence, string Insight);

/// <summary>
/// Order-up-to replenishment from a forecast. Pure, so a rerun, a second trigger or a replayed week gives the same
/// answer for the same stock position, and nothing once the first plan's quantity is on order.
/// </summary>
public static class ReplenishmentPlanner
{
    /// <summary>Lead time when no supplier sells the album, so a person can still see the need.</summary>
    public const int UnknownLeadDays = 14;

    public static ReplenishmentPlan? Plan(ReplenishmentInput input)
    {
        var available = Math.Max(0, input.OnHand - input.Held);
        var position = available + input.OnOrder;
        var choices = input.Quotes.Select(q => Evaluate(input, q, position)).Where(c => c.Quantity > 0).ToList();
        if (input.Quotes.Count == 0)
        {
            var (upTo, _) = Cover(input, UnknownLeadDays);
            var need = upTo - position;
            return need <= 0 ? null : Build(input, null, need, upTo, available, UnknownLeadDays);
        }

        if (choices.Count == 0)
        {
            return null;
        }

        // Landed cost of what must actually be bought, made dearer by unreliability (a late or short delivery costs
        // sales), then the shorter lead time.
        var best = choices.OrderBy(c => c.Score).ThenBy(c => c.Quote.DeliveryDays).ThenBy(c => c.Quote.SupplierId).First();
        return Build(input, best.Quote, best.Quantity, best.UpTo, available, best.LeadDays);
    }

    /// <summary>Lead days stretched for an unreliable supplier: a 0.8 reliability adds a fifth.</summary>
    public static int EffectiveLeadDays(SupplierQuote quote) =>
        (int)Math.Ceiling(quote.DeliveryDays * (1 + (1 - (double)(quote.Reliability ?? 0.9m))));

    private static (int Quantity, int UpTo, int LeadDays, decimal Score, SupplierQuote Quote) Evaluate(ReplenishmentInput input, SupplierQuote quote, int position)
    {
        var leadDays = EffectiveLeadDays(quote);
        var (upTo, _) = Cover(input, leadDays);
        var need = upTo - position;
        if (need <= 0)
        {
            return (0, upTo, leadDays, 0, quote);
        }

        var pack = Math.Max(1, quote.PackSize);
        var quantity = Math.Max(need, quote.MinimumOrderQuantity);
        quantity = (quantity + pack - 1) / pack * pack;
        var reliability = Math.Clamp(quote.Reliability ?? 0.9m, 0.5m, 1m);
        var score = (quote.UnitCost + quote.ShippingPerUnit) * quantity / reliability;
        return (quantity, upTo, leadDays, score, quote);
    }

    /// <returns>The order-up-to level (upper bound over lead time and review period) and the mean demand over the lead time.</returns>
    private static (int UpTo, double LeadDemand) Cover(ReplenishmentInput input, int leadDays) =>
        ((int)Math.Ceiling(Sum(input.WeeklyUpper, leadDays + input.ReviewDays)), Sum(input.WeeklyForecast, leadDays));

    /// <summary>Demand over the next <paramref name="days"/>, taking a share of the last week it reaches into.</summary>
    private static double Sum(double[] weekly, int days)
    {
        var total = 0.0;
        for (var w = 0; w < weekly.Length && days > 0; w++, days -= 7)
        {
            total += weekly[w] * Math.Min(7, days) / 7.0;
        }

        // Beyond the forecast horizon the last week repeats.
        return total + (days > 0 && weekly.Length > 0 ? weekly[^1] * days / 7.0 : 0);
    }

    private static ReplenishmentPlan Build(ReplenishmentInput input, SupplierQuote? quote, int quantity, int upTo, int available, int leadDays)
    {
        var leadDemand = Sum(input.WeeklyForecast, leadDays);
        var priority = available <= 0 || available < leadDemand ? "critical"
            : available < Sum(input.WeeklyUpper, leadDays) ? "high"
            : "medium";
        var mean = Sum(input.WeeklyForecast, leadDays + input.ReviewDays);
        var upper = Sum(input.WeeklyUpper, leadDays + input.ReviewDays);
        var confidence = upper <= 0 ? 0.5 : Math.Clamp(1 - ((upper - mean) / (upper + 1)), 0.05, 0.99);
        var onOrder = input.OnOrder == 0 ? "none on order" : $"{input.OnOrder} on order";
        var insight = string.Create(CultureInfo.InvariantCulture,
            $"Sold {input.SoldLastEightWeeks} in 8 weeks, {leadDemand:0.#} forecast over the {leadDays}-day lead time, {available} on hand, {onOrder}: order {quantity} to reach {upTo}.");
        return new ReplenishmentPlan(quantity, quote, priority, upTo, leadDemand, Math.Round(confidence, 2), insight);
    }
}
