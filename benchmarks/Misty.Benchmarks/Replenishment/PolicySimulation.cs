using Misty.Grains.Forecasting;
using Misty.Grains.Replenishment;

namespace Misty.Benchmarks.Replenishment;

/// <summary>Sales history and unit costs of the items a replay stocks.</summary>
internal sealed record PolicyData(string Name, IReadOnlyList<SaleLine> Lines, IReadOnlyDictionary<string, decimal> UnitCost);

/// <param name="FillRate">Units sold over units asked for (what the shelf could not serve is lost).</param>
/// <param name="StockOutDays">Item-days on which some demand went unserved.</param>
/// <param name="ItemDemand">Units asked for per item, in the simulation's item order.</param>
/// <param name="ItemFilled">Units sold per item.</param>
/// <param name="ItemStockValue">Average stock value per item.</param>
internal sealed record PolicyResult(string Policy, double FillRate, double AverageStockValue, int Orders, int StockOutDays, long Demand,
    long[] ItemDemand, long[] ItemFilled, double[] ItemStockValue);

/// <summary>One band of items by their weekly sales before the replay, under one policy.</summary>
internal sealed record BandResult(string Band, int Items, long Demand, double FillRate, double AverageStockValue);

/// <summary>
/// Replays the last weeks of real sales day by day against a stocking policy: goods ordered at a weekly review arrive
/// a lead time later, demand the shelf cannot serve is lost. The plan is the production planner fed with the
/// production forecaster, refitted at every review on the sales before it, with the stored forecast's rounding.
/// </summary>
internal sealed class PolicySimulation
{
    public const int LeadDays = 7;
    public const int ReviewDays = 7;

    /// <summary>Upper edges of the weekly-sales bands the breakdown groups items by.</summary>
    private static readonly double[] BandEdges = [0.5, 1, 2, 5];
    private readonly string[] _items;
    private readonly int[][] _demand;
    private readonly double[] _cost;
    private readonly double[] _weeklyBefore;
    private readonly (double[] Point, double[] Upper)[][] _forecasts;
    private readonly int _days;

    public PolicySimulation(PolicyData data, DateTimeOffset start, int weeks, int items)
    {
        _days = weeks * 7;
        // The items that sold most before the replay, as a shop would choose what to keep in stock.
        _items = [.. data.Lines.Where(l => l.Timestamp < start && l.Quantity > 0 && data.UnitCost.ContainsKey(l.ItemId))
            .GroupBy(l => l.ItemId).OrderByDescending(g => g.Sum(l => l.Quantity)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(items).Select(g => g.Key)];
        var index = _items.Select((item, i) => (item, i)).ToDictionary(p => p.item, p => p.i, StringComparer.Ordinal);
        _demand = [.. _items.Select(_ => new int[_days])];
        _weeklyBefore = new double[_items.Length];
        foreach (var line in data.Lines)
        {
            if (line.Quantity <= 0 || !index.TryGetValue(line.ItemId, out var i))
            {
                continue;
            }

            var day = (int)Math.Floor((line.Timestamp - start).TotalDays);
            if (day >= 0 && day < _days)
            {
                _demand[i][day] += (int)line.Quantity;
            }
            else if (day < 0 && day >= -_days)
            {
                _weeklyBefore[i] += line.Quantity / (double)weeks;
            }
        }

        _cost = [.. _items.Select(item => (double)data.UnitCost[item])];
        _forecasts = new (double[], double[])[weeks][];
        for (var week = 0; week < weeks; week++)
        {
            var cutoff = start.AddDays(7 * week);
            var fitted = DemandForecaster.Forecast(WeeklySeriesBuilder.Build(data.Lines.Where(l => l.Timestamp < cutoff), cutoff), 4, 0.8)
                .ToDictionary(f => f.ItemId, StringComparer.Ordinal);
            // As stored in demand_forecasts: rounded demand, ceiled upper bound.
            _forecasts[week] = [.. _items.Select(item => fitted.TryGetValue(item, out var f)
                ? ReplenishmentForecast.Demand(f.Point.Select(x => Math.Round(x)).ToArray(), f.Upper.Select(x => Math.Ceiling(x)).ToArray(), f.Explanation.RecentWeeks)
                : (new double[4], new double[4]))];
        }
    }

    public int Items => _items.Length;

    /// <summary>Fill rate and stock by how fast items sold before the replay: where a policy loses its sales.</summary>
    public IReadOnlyList<BandResult> ByWeeklySales(PolicyResult result)
    {
        var bands = new List<BandResult>();
        for (var b = 0; b <= BandEdges.Length; b++)
        {
            var (low, high) = (b == 0 ? 0 : BandEdges[b - 1], b == BandEdges.Length ? double.PositiveInfinity : BandEdges[b]);
            var members = Enumerable.Range(0, _items.Length).Where(i => _weeklyBefore[i] >= low && _weeklyBefore[i] < high).ToArray();
            var demand = members.Sum(i => result.ItemDemand[i]);
            var filled = members.Sum(i => result.ItemFilled[i]);
            var name = double.IsPositiveInfinity(high) ? $"{low:0.#}+ a week" : $"{low:0.#}-{high:0.#} a week";
            bands.Add(new BandResult(name, members.Length, demand, demand == 0 ? 1 : (double)filled / demand, members.Sum(i => result.ItemStockValue[i])));
        }

        return bands;
    }

    public long TotalDemand => _demand.Sum(d => (long)d.Sum());

    /// <summary>
    /// The production plan: at every weekly review the stock price is found over all the items' forecasts, as the
    /// nightly run finds it over every album, then each item is planned from its own stock.
    /// </summary>
    public PolicyResult Plan(double serviceScale)
    {
        var policy = new ReplenishmentPolicy(ReviewDays, serviceScale);
        var quotes = _cost.Select(cost => new SupplierQuote(Guid.Empty, (decimal)cost, 1, 1, LeadDays, 1m)).ToArray();
        var priced = _forecasts.Select(week => policy with
        {
            StockPrice = ReplenishmentBudget.StockPrice([.. week.Select((f, item) => new BudgetedAlbum(
                new ReplenishmentInput(0, 0, 0, f.Point, f.Upper, 0, []), ReplenishmentPlanner.EffectiveLeadDays(quotes[item]), quotes[item].UnitCost))], policy),
        }).ToArray();
        return Run($"plan (scale {serviceScale:0.##})", (item, day, onHand, onOrder) =>
        {
            var (point, upper) = _forecasts[day / 7][item];
            var input = new ReplenishmentInput(onHand, 0, onOrder, point, upper, 0, [quotes[item]]);
            return ReplenishmentPlanner.Plan(input, priced[day / 7])?.Quantity ?? 0;
        });
    }

    /// <summary>
    /// A static min/max rule (as Odoo's reorder rules and ERPNext's reorder levels): set once from the average weekly
    /// sales before the replay, min covering <paramref name="factor"/> times lead time plus review, max a week above;
    /// when stock plus what is on order is at or below min, order up to max.
    /// </summary>
    public PolicyResult MinMax(double factor) => Run($"min/max (x{factor:0.##})", (item, _, onHand, onOrder) =>
    {
        var weekly = _weeklyBefore[item];
        var min = (int)Math.Ceiling(factor * weekly * (LeadDays + ReviewDays) / 7.0);
        var max = min + Math.Max(1, (int)Math.Ceiling(weekly));
        return onHand + onOrder <= min ? max - onHand - onOrder : 0;
    });

    /// <summary>The min/max factor whose average stock value comes closest to <paramref name="stockValue"/> (bisection).</summary>
    public PolicyResult MinMaxAtStock(double stockValue)
    {
        var (low, high) = (0.0, 20.0);
        var best = MinMax(high);
        for (var step = 0; step < 30; step++)
        {
            var middle = (low + high) / 2;
            var result = MinMax(middle);
            if (Math.Abs(result.AverageStockValue - stockValue) < Math.Abs(best.AverageStockValue - stockValue))
            {
                best = result;
            }

            (low, high) = result.AverageStockValue < stockValue ? (middle, high) : (low, middle);
        }

        return best;
    }

    /// <param name="order">(item, day, on hand, on order) -> units to order at a review.</param>
    private PolicyResult Run(string name, Func<int, int, int, int, int> order)
    {
        var (demanded, filled, orders, stockOuts, stockValue) = (0L, 0L, 0, 0, 0.0);
        var (itemDemand, itemFilled, itemStock) = (new long[_items.Length], new long[_items.Length], new double[_items.Length]);
        for (var item = 0; item < _items.Length; item++)
        {
            // Each policy starts where it would keep the item: its own first order lands on the shelf at once.
            var onHand = order(item, 0, 0, 0);
            var arriving = new int[_days + LeadDays + 1];
            var onOrder = 0;
            for (var day = 0; day < _days; day++)
            {
                onHand += arriving[day];
                onOrder -= arriving[day];
                if (day % ReviewDays == 0 && day > 0 && order(item, day, onHand, onOrder) is > 0 and var quantity)
                {
                    arriving[day + LeadDays] += quantity;
                    onOrder += quantity;
                    orders++;
                }

                var demand = _demand[item][day];
                var served = Math.Min(demand, onHand);
                onHand -= served;
                (demanded, filled) = (demanded + demand, filled + served);
                stockOuts += served < demand ? 1 : 0;
                stockValue += onHand * _cost[item];
                itemDemand[item] += demand;
                itemFilled[item] += served;
                itemStock[item] += onHand * _cost[item] / _days;
            }
        }

        return new PolicyResult(name, demanded == 0 ? 1 : (double)filled / demanded, stockValue / _days, orders, stockOuts, demanded,
            itemDemand, itemFilled, itemStock);
    }
}
