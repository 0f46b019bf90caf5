using Misty.Grains.Forecasting;

namespace Misty.Tests.Forecasting;

[Trait("Category", "Unit")]
[Trait("Category", "Unit")]
public sealed class ForecastingTests
{
    private static readonly DateTimeOffset Cutoff = new(2011, 10, 15, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Csv_reads_quoted_fields_and_columns_by_header_and_counts_bad_lines()
    {
        const string csv = "quantity,item_id,timestamp\n"
            + "3,\"A,1\",2011-10-01T10:00:00Z\n"
            + "\"-2\",\"B \"\"x\"\"\",2011-10-02 09:00:00\n"
            + "not-a-number,C,2011-10-01T00:00:00Z\n"
            + "4,D,yesterday\n"
            + "5,E\n";

        var result = SalesCsv.Read(new StringReader(csv));

        Assert.Equal(3, result.Skipped);
        Assert.Equal([new SaleLine("A,1", new DateTimeOffset(2011, 10, 1, 10, 0, 0, TimeSpan.Zero), 3),
            new SaleLine("B \"x\"", new DateTimeOffset(2011, 10, 2, 9, 0, 0, TimeSpan.Zero), -2)], result.Lines);
    }

    [Fact]
    public void Weeks_end_at_the_cutoff_net_returns_and_ignore_later_lines()
    {
        SaleLine[] lines =
        [
            new("A", Cutoff.AddDays(-14), 5),          // first instant of the second-to-last week
            new("A", Cutoff.AddTicks(-1), 4),          // last instant of the last week
            new("A", Cutoff.AddDays(-1), -6),          // a return nets the last week to below zero: clipped
            new("A", Cutoff, 100),                     // at the cutoff: ignored
            new("B", Cutoff.AddDays(-3), -2),          // only returns: no series
            new("C", Cutoff.AddDays(-20), 1),
        ];

        var series = WeeklySeriesBuilder.Build(lines, Cutoff);

        Assert.Equal(["A", "C"], series.Select(s => s.ItemId));
        Assert.Equal([5.0, 0.0], series[0].Weeks);
        Assert.Equal([1.0, 0.0, 0.0], series[1].Weeks);
    }

    [Fact]
    public void A_steady_seller_is_forecast_at_its_level_with_a_band_that_never_narrows()
    {
        var steady = new WeeklySeries("steady", Enumerable.Repeat(6.0, 30).ToArray());
        var noisy = Enumerable.Range(0, 200).Select(i => new WeeklySeries($"n{i}", Poisson(5, 40, i))).ToList();

        var forecasts = DemandForecaster.Forecast([steady, .. noisy], 8, 0.8);

        Assert.All(forecasts[0].Point, p => Assert.Equal(6.0, p));
        foreach (var forecast in forecasts)
        {
            Assert.All(forecast.Lower, l => Assert.True(l >= 0));
            for (var h = 0; h < 8; h++)
            {
                Assert.True(forecast.Lower[h] <= forecast.Point[h] && forecast.Point[h] <= forecast.Upper[h]);
                Assert.True(h == 0 || forecast.Upper[h] >= forecast.Upper[h - 1]);
            }
        }
    }

    [Fact]
    public void Intervals_cover_about_the_requested_share_of_future_weeks()
    {
        // 400 Poisson series, half smooth and half intermittent: forecast from 40 weeks, check on the next 8.
        var full = Enumerable.Range(0, 400).Select(i => Poisson(i % 2 == 0 ? 8 : 0.4, 48, i)).ToList();
        var history = full.Select((y, i) => new WeeklySeries($"s{i}", y[..40])).ToList();

        var forecasts = DemandForecaster.Forecast(history, 8, 0.8);

        Assert.InRange(CoveredShare(full, forecasts, 40), 0.72, 0.92);
    }

    [Fact]
    public void Intervals_of_mostly_zero_series_cover_the_contracted_share_of_weeks()
    {
        // Their lower bounds are 0 and their weeks whole units: the share covered is where over-wide intervals show.
        var full = Enumerable.Range(0, 400).Select(i => Poisson(0.2 + (0.8 * (i % 5) / 4), 48, i)).ToList();
        var history = full.Select((y, i) => new WeeklySeries($"s{i}", y[..40])).ToList();

        var forecasts = DemandForecaster.Forecast(history, 8, 0.8);

        Assert.InRange(CoveredShare(full, forecasts, 40), 0.72, 0.88);
    }

    [Fact]
    public void Launch_weeks_of_young_series_do_not_widen_the_intervals_of_established_ones()
    {
        // Established sellers with 40 weeks of history, and albums launched 10 weeks ago whose sales doubled every week.
        var established = Enumerable.Range(0, 200).Select(i => new WeeklySeries($"e{i}", Poisson(5, 40, i))).ToList();
        var launches = Enumerable.Range(0, 200).Select(i => new WeeklySeries($"l{i}", Enumerable.Range(0, 10).Select(w => Math.Pow(2, w) + (i % 3)).ToArray())).ToList();

        var alone = DemandForecaster.Forecast(established, 8, 0.8);
        var together = DemandForecaster.Forecast([.. established, .. launches], 8, 0.8);

        for (var i = 0; i < established.Count; i++)
        {
            Assert.Equal(alone[i].Upper, together[i].Upper);
            Assert.Equal(alone[i].Lower, together[i].Lower);
        }

        Assert.EndsWith(", young", together[^1].Explanation.IntervalGroup, StringComparison.Ordinal);
        Assert.True(together[^1].Upper[0] - together[^1].Point[0] > together[0].Upper[0] - together[0].Point[0]);
    }

    [Fact]
    public void The_median_beats_the_moving_average_on_spiky_demand()
    {
        // A seller of about 3 a week with an occasional wholesale order of 60: absolute error favours the median.
        var random = new Random(7);
        double[] Week() => [random.NextDouble() < 0.1 ? 60 : 3];
        var full = Enumerable.Range(0, 48).SelectMany(_ => Week()).ToArray();
        var engine = DemandForecaster.PointForecast(full.AsSpan(0, 40));
        var average = Baselines.MovingAverage(full.AsSpan(0, 40), 8);
        var scale = Accuracy.NaiveScale(full.AsSpan(0, 40))!.Value;

        var engineError = Accuracy.Mase(full.AsSpan(40), Enumerable.Repeat(engine, 8).ToArray(), scale);
        var averageError = Accuracy.Mase(full.AsSpan(40), Enumerable.Repeat(average, 8).ToArray(), scale);

        Assert.Equal(3, engine);
        Assert.True(engineError <= averageError, $"engine {engineError:F3}, moving average {averageError:F3}");
    }

    [Fact]
    public void Baselines_match_their_definitions()
    {
        double[] y = [0, 4, 0, 0, 2];
        Assert.Equal(2, Baselines.Naive(y));
        Assert.Equal(1.2, Baselines.MovingAverage(y, 8), 10);
        Assert.Equal(0.0 + (0.5 * (4 - 0)), Baselines.Ses(y.AsSpan(0, 2), 0.5));
        // Croston: size 4 then 3.8, interval 2 then 2.1; SBA multiplies by 0.95.
        Assert.Equal(0.95 * 3.8 / 2.1, Baselines.CrostonSba(y), 10);
    }

    private static double[] Poisson(double mean, int weeks, int seed)
    {
        var random = new Random(seed);
        var limit = Math.Exp(-mean);
        return Enumerable.Range(0, weeks).Select(_ =>
        {
            var (count, product) = (0, random.NextDouble());
            while (product > limit)
            {
                count++;
                product *= random.NextDouble();
            }

            return (double)count;
        }).ToArray();
    }

    /// <summary>The share of the forecast weeks (those after <paramref name="cutoff"/>) whose actual sales fell inside the interval.</summary>
    private static double CoveredShare(List<double[]> full, IReadOnlyList<ItemForecast> forecasts, int cutoff) =>
        forecasts.SelectMany((f, i) => f.Lower.Select((lower, h) => full[i][cutoff + h] >= lower && full[i][cutoff + h] <= f.Upper[h])).Average(inside => inside ? 1.0 : 0.0);
}
