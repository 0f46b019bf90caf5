namespace Misty.Grains.Forecasting;

/// <summary>What drove one item's forecast, for staff and for the <c>influencing_factors</c> column.</summary>
/// <param name="Model">The point model's name.</param>
/// <param name="Level">The weekly level forecast.</param>
/// <param name="RecentWeeks">The last weeks of history, oldest first.</param>
/// <param name="ZeroShare">The share of recent weeks without a sale.</param>
/// <param name="IntervalGroup">The pool of similar series whose backtest errors set the interval.</param>
/// <param name="Peers">For an item without history: whose forecasts it borrowed.</param>
public sealed record ForecastExplanation(string Model, double Level, double[] RecentWeeks, double ZeroShare, string IntervalGroup, string? Peers = null)
{
    /// <summary>The chance of selling at least one in a week, which says more than a fractional level for a rare record.</summary>
    public double SaleProbability => 1 - ZeroShare;
}

/// <param name="Point">Forecast demand per week 1..horizon.</param>
/// <param name="Lower">Lower bound per week, never negative.</param>
/// <param name="Upper">Upper bound per week, never narrower than the week before.</param>
public sealed record ItemForecast(string ItemId, double[] Point, double[] Lower, double[] Upper, ForecastExplanation Explanation);

/// <summary>
/// Weekly demand forecasts with calibrated intervals. The point forecast is a recency-weighted median of the last
/// 13 weeks (chosen over smoothing, moving averages, Croston, TSB, damped trend, their combinations and per-series
/// selection by rolling-origin backtest on the development data, see docs/benchmarks.md). The interval comes from
/// the engine's own errors at the last origins before the cutoff, scaled by each series' naive error, weighted towards
/// the recent origins and pooled by horizon across series of similar intermittency and similar length of history, so
/// sparse and new series get honest intervals too.
/// </summary>
public sealed class DemandForecaster
{
    public const string ModelName = "weighted-median-13w";
    public const string ModelVersion = "misty-forecast-1";
    private const int Window = 13;
    private const double Decay = 0.85;
    private const int CalibrationOrigins = 16;
    private const int MinimumOrigin = 4;
    private const int RecentWeekCount = 26;
    private static readonly double[] ZeroShareBins = [0.1, 0.35, 0.65];

    public static double PointForecast(ReadOnlySpan<double> history) => PointModels.WeightedMedian(history, Window, Decay);

    /// <param name="level">Interval coverage as a fraction, between 0 and 1 (0.8 for 80 %).</param>
    public static IReadOnlyList<ItemForecast> Forecast(IReadOnlyList<WeeklySeries> series, int horizon, double level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The interval level is a fraction between 0 and 1.");
        }

        var groups = series.Select(s => GroupOf(s.Weeks)).ToArray();
        var errors = new List<(double Error, double Floor, double Weight)>[2 * (ZeroShareBins.Length + 1), horizon];
        for (var g = 0; g < errors.GetLength(0); g++)
        {
            for (var h = 0; h < horizon; h++)
            {
                errors[g, h] = [];
            }
        }

        for (var i = 0; i < series.Count; i++)
        {
            CollectErrors(series[i].Weeks, horizon, errors, groups[i]);
        }

        var bands = Bands(errors, level);
        var forecasts = new ItemForecast[series.Count];
        for (var i = 0; i < series.Count; i++)
        {
            forecasts[i] = ForecastOne(series[i], horizon, bands, Pool(groups[i], series[i].Weeks.Length));
        }

        return forecasts;
    }

    private static ItemForecast ForecastOne(WeeklySeries series, int horizon, (double Low, double High)[,] bands, int group)
    {
        var y = series.Weeks;
        var point = PointForecast(y);
        var scale = ErrorScale(y);
        var (forecast, lower, upper) = (new double[horizon], new double[horizon], new double[horizon]);
        for (var h = 0; h < horizon; h++)
        {
            forecast[h] = point;
            // A pooled error band can lie wholly above or below zero; the interval still holds its own forecast.
            lower[h] = Math.Min(point, Math.Max(0, point + (bands[group, h].Low * scale)));
            upper[h] = Math.Max(Math.Max(point, point + (bands[group, h].High * scale)), h == 0 ? 0 : upper[h - 1]);
        }

        var recent = y[Math.Max(0, y.Length - RecentWeekCount)..];
        var explanation = new ForecastExplanation(ModelName, point, recent, ZeroShare(y), GroupName(group));
        return new ItemForecast(series.ItemId, forecast, lower, upper, explanation);
    }

    /// <summary>
    /// The engine's errors at the last origins before the cutoff, in units of the series' error scale then. An error
    /// made from fewer weeks than the point model's window goes to the young pools, the others to the established ones:
    /// a forecast from a few weeks after a launch (or after the data's first week) errs far more than one from a full
    /// window, and pooled together the first would widen the second's intervals.
    /// </summary>
    private static void CollectErrors(double[] y, int horizon, List<(double Error, double Floor, double Weight)>[,] errors, int group)
    {
        for (var origin = y.Length - 1; origin >= Math.Max(MinimumOrigin, y.Length - CalibrationOrigins); origin--)
        {
            var pool = Pool(group, origin);
            var history = y.AsSpan(0, origin);
            var point = PointForecast(history);
            var scale = ErrorScale(history);
            for (var h = 0; h < horizon && origin + h < y.Length; h++)
            {
                // The floor is the error had nothing sold: below it the lower bound, clipped at 0, cannot miss. Older
                // origins weigh less, as older weeks do in the point forecast: the errors to expect next are those of
                // the season under way, not of one that has passed.
                errors[pool, h].Add(((y[origin + h] - point) / scale, -point / scale, Math.Pow(Decay, y.Length - 1 - origin)));
            }
        }
    }

    /// <summary>
    /// Quantiles of the pooled errors per group and horizon; empty pools borrow the nearest horizon's. The lower one is
    /// the equal-tail quantile; the upper one leaves out only what the lower bound, clipped at 0, actually left in: for
    /// series whose lower bound is 0 (most weeks without a sale) nothing falls below it, and an upper quantile at
    /// (1 + level) / 2 would cover level + (1 - level) / 2 of the weeks, not level.
    /// </summary>
    private static (double Low, double High)[,] Bands(List<(double Error, double Floor, double Weight)>[,] errors, double level)
    {
        var (groupCount, horizon) = (errors.GetLength(0), errors.GetLength(1));
        var bands = new (double Low, double High)[groupCount, horizon];
        for (var g = 0; g < groupCount; g++)
        {
            for (var h = 0; h < horizon; h++)
            {
                var pool = errors[g, h].Count > 0 ? errors[g, h] : LargestPool(errors, h);
                if (pool.Count == 0)
                {
                    continue;
                }

                var sorted = pool.Select(e => (e.Error, e.Weight)).OrderBy(e => e.Error).ToList();
                var low = Math.Min(0, Quantile(sorted, (1 - level) / 2));
                var missedBelow = pool.Where(e => e.Error < Math.Max(low, e.Floor)).Sum(e => e.Weight) / pool.Sum(e => e.Weight);
                bands[g, h] = (low, Quantile(sorted, Math.Min(1, level + missedBelow)));
            }
        }

        return bands;
    }

    private static List<(double Error, double Floor, double Weight)> LargestPool(List<(double Error, double Floor, double Weight)>[,] errors, int h)
    {
        var largest = errors[0, h];
        for (var g = 1; g < errors.GetLength(0); g++)
        {
            if (errors[g, h].Count > largest.Count)
            {
                largest = errors[g, h];
            }
        }

        return largest;
    }

    /// <summary>
    /// The weighted quantile that with equal weights is the usual one interpolating between order statistics: each
    /// error sits at the share of the weight before it, out of all but the last error's.
    /// </summary>
    private static double Quantile(List<(double Error, double Weight)> sorted, double q)
    {
        var span = sorted.Sum(e => e.Weight) - sorted[^1].Weight;
        if (span <= 0)
        {
            return sorted[^1].Error;
        }

        var before = 0.0;
        for (var i = 0; i < sorted.Count - 1; i++)
        {
            var (at, next) = (before / span, (before + sorted[i].Weight) / span);
            if (q <= next)
            {
                return sorted[i].Error + ((q - at) / (next - at) * (sorted[i + 1].Error - sorted[i].Error));
            }

            before += sorted[i].Weight;
        }

        return sorted[^1].Error;
    }

    /// <summary>The series' mean absolute week-to-week change, at least a quarter of a unit so flat series still get a band.</summary>
    private static double ErrorScale(ReadOnlySpan<double> y) => Math.Max(0.25, Accuracy.NaiveScale(y) ?? 0);

    private static double ZeroShare(ReadOnlySpan<double> y)
    {
        var recent = y[Math.Max(0, y.Length - 26)..];
        var zeros = 0;
        foreach (var value in recent)
        {
            zeros += value <= 0 ? 1 : 0;
        }

        return recent.Length == 0 ? 1 : (double)zeros / recent.Length;
    }

    /// <summary>The pool of a series' errors or interval: its zero-share group, among the young series or the established ones.</summary>
    private static int Pool(int group, int weeksOfHistory) => weeksOfHistory < Window ? group + ZeroShareBins.Length + 1 : group;

    private static int GroupOf(double[] y)
    {
        var share = ZeroShare(y);
        var group = 0;
        while (group < ZeroShareBins.Length && share >= ZeroShareBins[group])
        {
            group++;
        }

        return group;
    }

    private static string GroupName(int pool) => pool > ZeroShareBins.Length ? GroupName(pool - ZeroShareBins.Length - 1) + ", young" : pool switch
    {
        0 => "smooth",
        1 => "mostly-selling",
        2 => "intermittent",
        _ => "rare",
    };
}
