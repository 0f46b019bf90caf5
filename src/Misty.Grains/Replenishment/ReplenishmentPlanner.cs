using System.Globalization;

namespace Misty.Grains.Replenishment;

/// <summary>A supplier's price for an album valid on the planning day, with what the supplier promises.</summary>
/// <param name="UnitCost">The price list's unit price; price lists are delivered prices, so this is the landed cost.</param>
/// <param name="PackSize">Units per pack; orders are whole packs.</param>
/// <param name="DeliveryDays">The supplier's average delivery time.</param>
/// <param name="Reliability">0 to 1: the share of orders delivered complete and on time; null when unknown.</param>
public sealed record SupplierQuote(Guid SupplierId, decimal UnitCost, int MinimumOrderQuantity, int PackSize, double DeliveryDays, decimal? Reliability);

/// <param name="WeeklyForecast">Forecast demand per week from today; empty when the album has no forecast.</param>
/// <param name="WeeklyUpper">The forecast interval's upper bound per week.</param>
/// <param name="OnOrder">Units queued, approved or ordered and not yet received: counted so no shortage is ordered twice.</param>
/// <param name="FallbackLevel">Stock to keep when there is no forecast (the album's own optimal level): a new album is still stocked.</param>
/// <param name="SoldLastEightWeeks">For the explanation only.</param>
/// <param name="UnitCost">The album's own cost, which weighs its stock when no supplier quotes it.</param>
public sealed record ReplenishmentInput(int OnHand, int Held, int OnOrder, double[] WeeklyForecast, double[] WeeklyUpper,
    int SoldLastEightWeeks, IReadOnlyList<SupplierQuote> Quotes, int FallbackLevel = 0, decimal UnitCost = 0);

/// <param name="ReviewDays">Days until the next planning run: stock must last until then plus the lead time.</param>
/// <param name="ServiceScale">
/// Safety stock in units of the forecast's upper-bound margin: 1 plans to the interval's upper quantile (0.9 for the
/// stored 80 % intervals), more buys a higher service level with more stock.
/// </param>
/// <param name="StockPrice">
/// Lost sales a copy must save per unit of its value kept on the shelf: the multiplier of the shop's stock
/// budget, which <see cref="ReplenishmentBudget"/> finds over every album so the shop holds the stock the service scale
/// asks for, placed where it saves the most sales. Null: every album at the service scale's own level.
/// </param>
public sealed record ReplenishmentPolicy(int ReviewDays = 7, double ServiceScale = 1.0, double? StockPrice = null)
{
    public static ReplenishmentPolicy Default { get; } = new();
}

/// <param name="OrderUpTo">Stock that covers demand over lead time and review period at the service level.</param>
/// <param name="LeadDays">The chosen supplier's lead time, stretched by its unreliability.</param>
/// <param name="Confidence">0 to 100, from the forecast's relative error: a narrow interval earns more trust.</param>
/// <param name="Insight">One sentence with the numbers behind the order.</param>
public sealed record ReplenishmentPlan(int Quantity, SupplierQuote? Supplier, string Priority, int OrderUpTo, int LeadDays,
    double DemandOverLeadTime, int Confidence, string Insight);

/// <summary>
/// Order-up-to replenishment from a forecast. Pure: the same stock position gives the same answer, and once the first
/// plan's quantity counts as on order the same need gives nothing, so a rerun, a second trigger or a replayed week
/// never orders twice.
/// </summary>
public static class ReplenishmentPlanner
{
    /// <summary>Lead time when no supplier sells the album, so a person can still see the need.</summary>
    public const int UnknownLeadDays = 14;

    /// <summary>
    /// Below this many units over lead time and review, sales are counted in ones and Poisson sales set the stock: the
    /// larger of the cycle service quantile and the unit fill level. The forecast's weekly margins of a seller whose
    /// weeks are mostly 0 are noise.
    /// </summary>
    private const double SlowSellerMean = 10;

    /// <summary>z of the stored 80 % interval's upper bound, its 0.9 quantile.</summary>
    private const double UpperQuantileZ = 1.2815516;

    /// <summary>Reliability assumed for a supplier without a score.</summary>
    private const decimal UnknownReliability = 0.9m;

    public static ReplenishmentPlan? Plan(ReplenishmentInput input, ReplenishmentPolicy? policy = null)
    {
        policy ??= ReplenishmentPolicy.Default;
        var available = Math.Max(0, input.OnHand - input.Held);
        var position = available + input.OnOrder;
        if (input.Quotes.Count == 0)
        {
            var upTo = OrderUpTo(input, policy, UnknownLeadDays, input.UnitCost);
            return upTo - position <= 0 ? null : Build(input, policy, null, upTo - position, upTo, available, UnknownLeadDays);
        }

        // Landed cost of what must actually be bought (a minimum order can make a low price dear), made dearer by
        // unreliability since a late or short delivery costs sales; then the shorter lead time.
        var best = input.Quotes
            .Select(quote => Evaluate(input, policy, quote, position))
            .Where(choice => choice.Quantity > 0)
            .OrderBy(choice => choice.Score)
            .ThenBy(choice => choice.LeadDays)
            .ThenBy(choice => choice.Quote.SupplierId)
            .FirstOrDefault();
        return best.Quantity == 0 ? null : Build(input, policy, best.Quote, best.Quantity, best.UpTo, available, best.LeadDays);
    }

    /// <summary>Lead days stretched for an unreliable supplier: a 0.8 reliability adds a fifth.</summary>
    public static int EffectiveLeadDays(SupplierQuote quote) =>
        (int)Math.Ceiling(quote.DeliveryDays * (2 - (double)Math.Clamp(quote.Reliability ?? UnknownReliability, 0m, 1m)));

    /// <summary>
    /// The stock to reach: with a stock price, the level at which a further copy no longer saves its price in lost
    /// sales (<see cref="AllocatedLevel"/>); without one, the service scale's level for this album alone.
    /// </summary>
    /// <param name="unitCost">What a copy costs from the supplier planned with: dear copies must save more sales.</param>
    public static int OrderUpTo(ReplenishmentInput input, ReplenishmentPolicy policy, int leadDays, decimal unitCost) =>
        input.WeeklyForecast.Length == 0 ? input.FallbackLevel
        : policy.StockPrice is { } price && unitCost > 0 ? AllocatedLevel(input, policy, leadDays, price * (double)unitCost)
        : ServiceLevel(input, policy, leadDays);

    /// <summary>
    /// Mean demand over lead time and review period plus safety stock. The weekly upper-bound margins are combined
    /// as independent errors (root of the sum of squares), not added: adding them would plan for every week being a
    /// bad week at once, stock that a real shop pays for and rarely sells.
    /// </summary>
    public static int ServiceLevel(ReplenishmentInput input, ReplenishmentPolicy policy, int leadDays)
    {
        var days = leadDays + policy.ReviewDays;
        var mean = Sum(input.WeeklyForecast, days);
        if (mean < SlowSellerMean)
        {
            return Math.Max(PoissonFillLevel(mean, Sum(input.WeeklyForecast, policy.ReviewDays), ServiceQuantile(policy.ServiceScale)),
                PoissonQuantile(mean, ServiceQuantile(policy.ServiceScale)));
        }

        var safety = Math.Sqrt(SumOfSquaredMargins(input, days)) * policy.ServiceScale;
        return Math.Max((int)Math.Ceiling(mean + safety - 1e-9), PoissonQuantile(mean, ServiceQuantile(policy.ServiceScale)));
    }

    /// <summary>
    /// The highest stock whose last copy still saves at least <paramref name="price"/> lost sales per unit of stock it
    /// adds, so that across albums each copy goes where it saves the most (the multi-item newsvendor under a stock
    /// budget). Copy s is sold within the cycle it covers when demand over lead time plus review reaches s but demand
    /// over the lead time alone does not (before that it was the previous order's copy); it sits on the shelf for the
    /// part of the review period that demand has not yet reached it. Demand is Poisson for a slow seller, normal with
    /// the forecast's combined margins (never below Poisson spread) otherwise.
    /// </summary>
    public static int AllocatedLevel(ReplenishmentInput input, ReplenishmentPolicy policy, int leadDays, double price)
    {
        var demand = CycleDemand.Of(input, policy, leadDays);
        // The condition holds up to the level and fails beyond it: past the lead time's demand a further copy is ever
        // less likely to sell and ever more likely to sit.
        var (low, high) = ((int)Math.Floor(demand.LeadMean), demand.Ceiling);
        if (!demand.Worth(low + 1, price))
        {
            return low;
        }

        while (high - low > 1)
        {
            var middle = low + (high - low) / 2;
            (low, high) = demand.Worth(middle, price) ? (middle, high) : (low, middle);
        }

        return low;
    }

    /// <summary>Demand over lead time and over lead time plus review: the two a copy's sale and shelf time depend on.</summary>
    private readonly record struct CycleDemand(double LeadMean, double LeadSpread, double Mean, double Spread, bool Counted)
    {
        public static CycleDemand Of(ReplenishmentInput input, ReplenishmentPolicy policy, int leadDays)
        {
            var days = leadDays + policy.ReviewDays;
            var (leadMean, mean) = (Sum(input.WeeklyForecast, leadDays), Sum(input.WeeklyForecast, days));
            // The stored upper bound is the interval's upper quantile: its margin is that quantile's z spreads.
            return new CycleDemand(leadMean, Math.Max(Math.Sqrt(SumOfSquaredMargins(input, leadDays)) / UpperQuantileZ, Math.Sqrt(leadMean)),
                mean, Math.Max(Math.Sqrt(SumOfSquaredMargins(input, days)) / UpperQuantileZ, Math.Sqrt(mean)), mean < SlowSellerMean);
        }

        /// <summary>A level no copy beyond which could be worth keeping.</summary>
        public int Ceiling => (int)Math.Ceiling(Mean + 8 * Spread) + 1;

        /// <summary>Whether copy <paramref name="s"/> saves at least <paramref name="price"/> lost sales per unit of stock it adds.</summary>
        public bool Worth(int s, double price)
        {
            var (leadReaches, cycleReaches) = (AtLeast(LeadMean, LeadSpread, s), AtLeast(Mean, Spread, s));
            var sells = cycleReaches - leadReaches;
            var shelf = 1 - (leadReaches + cycleReaches) / 2;
            return sells > 0 && sells >= price * shelf;
        }

        /// <summary>P(demand at least <paramref name="s"/>).</summary>
        private double AtLeast(double mean, double spread, int s)
        {
            if (s <= 0)
            {
                return 1;
            }

            if (!Counted)
            {
                return 1 - NormalCdf((s - 0.5 - mean) / spread);
            }

            var (term, below) = (Math.Exp(-mean), 0.0);
            for (var k = 0; k < s; k++)
            {
                below += term;
                term *= mean / (k + 1);
            }

            return Math.Max(0, 1 - below);
        }
    }

    /// <summary>
    /// The service level a scale stands for: scale 1 is the stored 80 % interval's upper bound, the 0.9 quantile
    /// (z = 1.2816), and the scale multiplies z.
    /// </summary>
    public static double ServiceQuantile(double scale) => NormalCdf(UpperQuantileZ * scale);

    /// <summary>
    /// The smallest stock that meets demand over the period with probability <paramref name="quantile"/> when sales are
    /// Poisson with that mean: a slow seller's margins say little (its weeks are mostly 0), yet selling one copy in a
    /// period is likely enough to keep one on the shelf. Counts of this size are where the normal margin falls short.
    /// </summary>
    public static int PoissonQuantile(double mean, double quantile)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 200)
        {
            // Far from zero the Poisson is normal to within a unit.
            return (int)Math.Ceiling(mean + NormalQuantileOf(quantile) * Math.Sqrt(mean));
        }

        var term = Math.Exp(-mean);
        var cumulative = term;
        var k = 0;
        while (cumulative < quantile)
        {
            k++;
            term *= mean / k;
            cumulative += term;
        }

        return k;
    }

    /// <summary>
    /// The smallest stock whose expected shortfall over lead time and review, for Poisson sales with mean
    /// <paramref name="mean"/>, is at most <c>1 - fillRate</c> of the review period's demand
    /// (<paramref name="reviewMean"/>): the units a shop loses, not the chance of losing any. For a slow seller the two
    /// differ most: one copy on the shelf rarely runs out within a period, yet every sale of it leaves the shelf empty
    /// until the next review's order arrives, which a unit fill rate counts and a cycle service level does not.
    /// </summary>
    public static int PoissonFillLevel(double mean, double reviewMean, double fillRate)
    {
        if (mean <= 0 || reviewMean <= 0)
        {
            return 0;
        }

        var allowed = (1 - fillRate) * reviewMean;
        var (stock, shortfall, term) = (0, mean, Math.Exp(-mean));
        var cumulative = term;
        // E[(D - s - 1)+] = E[(D - s)+] - P(D > s); the terms underflow only far beyond the slow sellers this serves.
        while (shortfall > allowed && term > 0)
        {
            shortfall -= 1 - cumulative;
            stock++;
            term *= mean / stock;
            cumulative += term;
        }

        return stock;
    }

    private static double NormalQuantileOf(double quantile)
    {
        // Bisection on the CDF: called only for large means, where a few dozen steps cost nothing.
        double low = -8, high = 8;
        for (var i = 0; i < 60; i++)
        {
            var middle = (low + high) / 2;
            (low, high) = NormalCdf(middle) < quantile ? (middle, high) : (low, middle);
        }

        return (low + high) / 2;
    }

    private static double NormalCdf(double z)
    {
        // Abramowitz and Stegun 7.1.26 for erf, accurate to 1.5e-7.
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }

    private static (int Quantity, int UpTo, int LeadDays, decimal Score, SupplierQuote Quote) Evaluate(
        ReplenishmentInput input, ReplenishmentPolicy policy, SupplierQuote quote, int position)
    {
        var leadDays = EffectiveLeadDays(quote);
        var upTo = OrderUpTo(input, policy, leadDays, quote.UnitCost);
        var need = upTo - position;
        if (need <= 0)
        {
            return (0, upTo, leadDays, 0, quote);
        }

        var pack = Math.Max(1, quote.PackSize);
        var quantity = Math.Max(need, quote.MinimumOrderQuantity);
        quantity = (quantity + pack - 1) / pack * pack;
        var reliability = Math.Clamp(quote.Reliability ?? UnknownReliability, 0.5m, 1m);
        return (quantity, upTo, leadDays, quote.UnitCost * quantity / reliability, quote);
    }

    /// <summary>Demand over the next <paramref name="days"/>, taking a share of the last week it reaches into.</summary>
    public static double Sum(double[] weekly, int days)
    {
        var total = 0.0;
        for (var w = 0; w < weekly.Length && days > 0; w++, days -= 7)
        {
            total += weekly[w] * Math.Min(7, days) / 7.0;
        }

        // Beyond the forecast horizon the last week repeats.
        return total + (days > 0 && weekly.Length > 0 ? weekly[^1] * days / 7.0 : 0);
    }

    private static double SumOfSquaredMargins(ReplenishmentInput input, int days)
    {
        var total = 0.0;
        var weeks = Math.Min(input.WeeklyForecast.Length, input.WeeklyUpper.Length);
        for (var w = 0; days > 0 && weeks > 0; w++, days -= 7)
        {
            var i = Math.Min(w, weeks - 1);
            var margin = Math.Max(0, input.WeeklyUpper[i] - input.WeeklyForecast[i]) * Math.Min(7, days) / 7.0;
            total += margin * margin;
        }

        return total;
    }

    private static ReplenishmentPlan Build(ReplenishmentInput input, ReplenishmentPolicy policy, SupplierQuote? quote, int quantity, int upTo,
        int available, int leadDays)
    {
        var leadDemand = Sum(input.WeeklyForecast, leadDays);
        var leadUpper = leadDemand + Math.Sqrt(SumOfSquaredMargins(input, leadDays));
        // Critical: at the expected rate the shelf is empty before the goods could arrive.
        var priority = available <= 0 || available < leadDemand ? "critical"
            : available < leadUpper ? "high"
            : "medium";
        var mean = Sum(input.WeeklyForecast, leadDays + policy.ReviewDays);
        var margin = upTo - mean;
        var confidence = input.WeeklyForecast.Length == 0 ? 30 : (int)Math.Round(100 * Math.Clamp(mean / (mean + Math.Max(margin, 0) + 1), 0.05, 0.99));
        var onOrder = input.OnOrder == 0 ? "none on order" : $"{input.OnOrder} on order";
        var demand = input.WeeklyForecast.Length == 0
            ? "no forecast yet so the album's own stock level applies"
            : string.Create(CultureInfo.InvariantCulture, $"{leadDemand:0.#} forecast over the {leadDays}-day lead time");
        var insight = string.Create(CultureInfo.InvariantCulture,
            $"Sold {input.SoldLastEightWeeks} in 8 weeks, {demand}, {available} on hand, {onOrder}: order {quantity} to reach {upTo}.");
        return new ReplenishmentPlan(quantity, quote, priority, upTo, leadDays, leadDemand, confidence, insight);
    }
}
