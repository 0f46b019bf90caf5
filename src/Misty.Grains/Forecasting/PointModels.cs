namespace Misty.Grains.Forecasting;

/// <summary>The single-series point forecasts the engine combines; each is a flat level or a damped trend.</summary>
public static class PointModels
{
    public static double Median(ReadOnlySpan<double> y, int window)
    {
        if (y.Length == 0)
        {
            return 0;
        }

        Span<double> tail = stackalloc double[Math.Min(window, y.Length)];
        y[^tail.Length..].CopyTo(tail);
        tail.Sort();
        var mid = tail.Length / 2;
        return tail.Length % 2 == 1 ? tail[mid] : (tail[mid - 1] + tail[mid]) / 2;
    }

    /// <summary>
    /// The weighted median of the last <paramref name="window"/> weeks, each week weighing <paramref name="decay"/>
    /// times the week after it: the median is what minimises absolute error, and the decay lets a change of level
    /// show sooner than a plain median would.
    /// </summary>
    public static double WeightedMedian(ReadOnlySpan<double> y, int window, double decay)
    {
        var count = Math.Min(window, y.Length);
        if (count == 0)
        {
            return 0;
        }

        Span<double> values = stackalloc double[count];
        Span<double> weights = stackalloc double[count];
        var (weight, total) = (1.0, 0.0);
        for (var i = 0; i < count; i++)
        {
            values[i] = y[y.Length - 1 - i];
            weights[i] = weight;
            total += weight;
            weight *= decay;
        }

        values.Sort(weights);
        var cumulative = 0.0;
        for (var i = 0; i < count; i++)
        {
            cumulative += weights[i];
            if (cumulative >= total / 2)
            {
                return values[i];
            }
        }

        return values[^1];
    }

    /// <summary>Teunter-Syntetos-Babai: smooths the probability of a sale and the size of one separately.</summary>
    public static double Tsb(ReadOnlySpan<double> y, double alphaSize = 0.1, double alphaProbability = 0.1)
    {
        double size = 0, probability = 0;
        var started = false;
        foreach (var value in y)
        {
            if (!started)
            {
                if (value > 0)
                {
                    (size, probability, started) = (value, 1, true);
                }

                continue;
            }

            probability += alphaProbability * ((value > 0 ? 1 : 0) - probability);
            if (value > 0)
            {
                size += alphaSize * (value - size);
            }
        }

        return size * probability;
    }

    /// <summary>Additive damped-trend smoothing (Gardner-McKenzie) with fixed, conservative weights.</summary>
    public static void DampedTrend(ReadOnlySpan<double> y, Span<double> forecast, double alpha = 0.2, double beta = 0.05, double phi = 0.9)
    {
        if (y.Length < 2)
        {
            forecast.Fill(y.Length == 0 ? 0 : y[0]);
            return;
        }

        double level = y[0], trend = y[1] - y[0];
        for (var t = 1; t < y.Length; t++)
        {
            var previous = level;
            level = (alpha * y[t]) + ((1 - alpha) * (level + (phi * trend)));
            trend = (beta * (level - previous)) + ((1 - beta) * phi * trend);
        }

        var damp = 0.0;
        for (var h = 0; h < forecast.Length; h++)
        {
            damp += Math.Pow(phi, h + 1);
            forecast[h] = Math.Max(0, level + (damp * trend));
        }
    }
}
