namespace Misty.Grains.Forecasting;

/// <summary>
/// The simple forecasts the engine is measured against, each a flat line over the horizon: last week (naive),
/// the 8-week moving average, simple exponential smoothing and Croston's method with the Syntetos-Boylan correction.
/// </summary>
public static class Baselines
{
    public static double Naive(ReadOnlySpan<double> y) => y.Length == 0 ? 0 : y[^1];

    public static double MovingAverage(ReadOnlySpan<double> y, int window)
    {
        if (y.Length == 0)
        {
            return 0;
        }

        var tail = y[Math.Max(0, y.Length - window)..];
        var sum = 0.0;
        foreach (var value in tail)
        {
            sum += value;
        }

        return sum / tail.Length;
    }

    /// <summary>Simple exponential smoothing started at the first value.</summary>
    public static double Ses(ReadOnlySpan<double> y, double alpha)
    {
        if (y.Length == 0)
        {
            return 0;
        }

        var level = y[0];
        for (var t = 1; t < y.Length; t++)
        {
            level += alpha * (y[t] - level);
        }

        return level;
    }

    /// <summary>SES with the smoothing weight (0.05 to 0.95) that minimises the in-sample one-step squared error.</summary>
    public static double SesOptimized(ReadOnlySpan<double> y)
    {
        if (y.Length < 3)
        {
            return Ses(y, 0.3);
        }

        var (best, bestError) = (0.1, double.MaxValue);
        for (var alpha = 0.05; alpha < 0.96; alpha += 0.05)
        {
            var (level, error) = (y[0], 0.0);
            for (var t = 1; t < y.Length; t++)
            {
                var e = y[t] - level;
                error += e * e;
                level += alpha * e;
            }

            if (error < bestError)
            {
                (best, bestError) = (alpha, error);
            }
        }

        return Ses(y, best);
    }

    /// <summary>Croston's method with the Syntetos-Boylan bias correction (1 - alpha/2).</summary>
    public static double CrostonSba(ReadOnlySpan<double> y, double alpha = 0.1)
    {
        double size = 0, interval = 0;
        var started = false;
        var sinceLast = 1;
        foreach (var value in y)
        {
            if (value > 0)
            {
                if (!started)
                {
                    (size, interval, started) = (value, sinceLast, true);
                }
                else
                {
                    size += alpha * (value - size);
                    interval += alpha * (sinceLast - interval);
                }

                sinceLast = 1;
            }
            else
            {
                sinceLast++;
            }
        }

        return started ? (1 - (alpha / 2)) * size / interval : 0;
    }
}
