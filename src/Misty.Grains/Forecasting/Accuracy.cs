namespace Misty.Grains.Forecasting;

/// <summary>Forecast error measures used by the backtests.</summary>
public static class Accuracy
{
    /// <summary>
    /// The in-sample mean absolute one-step change of the history: the naive forecast's error, which MASE divides by.
    /// Null when the history has no change to scale by.
    /// </summary>
    public static double? NaiveScale(ReadOnlySpan<double> history)
    {
        if (history.Length < 2)
        {
            return null;
        }

        var sum = 0.0;
        for (var t = 1; t < history.Length; t++)
        {
            sum += Math.Abs(history[t] - history[t - 1]);
        }

        var scale = sum / (history.Length - 1);
        return scale > 0 ? scale : null;
    }

    /// <summary>Mean absolute error of a forecast over the weeks that followed, divided by the naive scale.</summary>
    public static double Mase(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast, double scale)
    {
        var sum = 0.0;
        for (var h = 0; h < actual.Length; h++)
        {
            sum += Math.Abs(actual[h] - forecast[h]);
        }

        return sum / actual.Length / scale;
    }
}
