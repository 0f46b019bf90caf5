namespace Misty.Grains.Forecasting;

/// <param name="Items">Items scored: those with a sale before the backtest's cutoff.</param>
/// <param name="Wape">Absolute error over all items and weeks divided by the units actually sold.</param>
/// <param name="MeanMase">Mean over items (with a non-zero naive scale) of the MASE.</param>
/// <param name="Coverage">Share of item-weeks inside the interval.</param>
public sealed record BacktestResult(int Items, double Wape, double MeanMase, double Coverage)
{
    /// <summary>0 to 100: the share of units forecast right, 100 × (1 − WAPE), floored at 0.</summary>
    public double AccuracyScore => Math.Round(Math.Clamp(100 * (1 - Wape), 0, 100), 2);
}

/// <summary>Forecasts from <c>horizon</c> weeks before a cutoff and scores against what was sold since.</summary>
public static class ForecastBacktest
{
    public static BacktestResult? Run(IReadOnlyList<SaleLine> lines, DateTimeOffset cutoff, int horizon, double level)
    {
        var origin = cutoff.AddDays(-7 * horizon);
        var history = WeeklySeriesBuilder.Build(lines, origin);
        if (history.Count == 0)
        {
            return null;
        }

        var histories = history.ToDictionary(s => s.ItemId, StringComparer.Ordinal);
        var actuals = WeeklySeriesBuilder.Build(lines, cutoff).ToDictionary(s => s.ItemId, StringComparer.Ordinal);
        double error = 0, sold = 0, mase = 0;
        int scaled = 0, inside = 0;
        foreach (var forecast in DemandForecaster.Forecast(history, horizon, level))
        {
            var actual = actuals[forecast.ItemId].Weeks.AsSpan()[^horizon..];
            for (var h = 0; h < horizon; h++)
            {
                error += Math.Abs(actual[h] - forecast.Point[h]);
                sold += actual[h];
                inside += actual[h] >= forecast.Lower[h] && actual[h] <= forecast.Upper[h] ? 1 : 0;
            }

            if (Accuracy.NaiveScale(histories[forecast.ItemId].Weeks) is { } scale)
            {
                mase += Accuracy.Mase(actual, forecast.Point, scale);
                scaled++;
            }
        }

        return new BacktestResult(history.Count, sold > 0 ? error / sold : 1, scaled > 0 ? mase / scaled : 0, (double)inside / (history.Count * horizon));
    }
}
