using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Misty.Benchmarks.Replenishment;
using Misty.Grains.Forecasting;

namespace Misty.Benchmarks.Forecast;

/// <summary>
/// Rolling-origin backtest of the demand forecaster against naive, 8-week moving average, SES and Croston-SBA on the
/// development retail data and the demo data, 8 weeks ahead: mean MASE on the 500 best sellers and on intermittent mid-ranked items,
/// the coverage of the 80 % intervals, and the time the forecast verb's path takes.
/// </summary>
internal static class ForecastBenchmark
{
    private const int Horizon = 8;
    private const double Level = 0.8;
    private const int DemoCutoffs = 6;
    private const string DefaultData = "../shared/data/retail/online_retail_II_2009_2010.csv.gz";

    /// <summary>The origins the model was chosen on, then two earlier ones it never saw during development.</summary>
    private static readonly (string Cutoff, bool HeldOut)[] Cutoffs =
    [
        ("2010-06-19", false), ("2010-07-17", false), ("2010-08-14", false), ("2010-09-11", false),
        ("2010-10-09", false), ("2010-10-15", false), ("2010-04-24", true), ("2010-05-22", true),
    ];

    private static readonly string[] Methods = ["engine", "naive", "ma8", "ses", "croston-sba"];

    public static int Run(string[] args)
    {
        var markdown = Option(args, "--markdown");
        var data = Option(args, "--data") ?? DefaultData;
        if (!File.Exists(data))
        {
            Console.Error.WriteLine($"usage: forecast [--data <online_retail_II csv.gz>] [--markdown <file>]; {data} not found.");
            return 2;
        }

        var machine = BenchmarkReport.Machine();
        var csv = RetailToSalesCsv(data);
        var clock = Stopwatch.StartNew();
        var sales = SalesCsv.Read(new StringReader(csv));
        var parseSeconds = clock.Elapsed.TotalSeconds;

        var invariant = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine(invariant, $"Machine: {machine}. Shared 2-core machine with other work running. Repeat with:");
        report.AppendLine();
        report.AppendLine(invariant, $"    {BenchmarkReport.Command("forecast", args)}");
        report.AppendLine();
        report.AppendLine(invariant, $"Data: {Path.GetFileName(data)}, {sales.Lines.Count:N0} lines as item_id=StockCode, timestamp=InvoiceDate, quantity=Quantity (cancellations and adjustments included, netted per week). Horizon {Horizon} weeks, {Level:P0} intervals, rolling origin.");
        report.AppendLine("MASE is the mean absolute error over the 8 weeks divided by the item's in-sample naive-1 error, averaged over items; lower is better.");
        report.AppendLine("Best sellers: the 500 items with the most units before the cutoff. Intermittent: ranks 501-2,000 with at least 13 weeks of history and a sale in fewer than 1 week in 1.32 (ADI >= 1.32).");
        report.AppendLine("Baselines: naive = last week; ma8 = mean of the last 8 weeks; ses = simple exponential smoothing with the weight (0.05-0.95) of least in-sample squared error; croston-sba = Croston with the Syntetos-Boylan correction, alpha 0.1.");
        report.AppendLine();
        report.AppendLine(invariant, $"Demo data: the sale rows of the seed verb's default dataset, {DemoCutoffs} cutoffs 4 weeks apart, the last {Horizon} weeks before the data's end; the engine was developed on these too, so none is held out.");
        report.AppendLine();
        report.AppendLine("| data | cutoff | held out | group | items | engine | naive | ma8 | ses | croston-sba | engine vs best baseline | 80% coverage |");
        report.AppendLine("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");

        var sums = new Dictionary<(string Data, bool HeldOut, string Group), (double[] Mase, double Coverage, int Count)>();
        var forecastSeconds = new List<double>();
        var demo = ReplenishmentBenchmark.DemoData().Lines;
        var demoEnd = new DateTimeOffset(demo.Max(l => l.Timestamp).UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var runs = Cutoffs.Select(c => ("retail", sales.Lines, DateTimeOffset.Parse(c.Cutoff + "T00:00:00Z", invariant), c.HeldOut))
            .Concat(Enumerable.Range(0, DemoCutoffs).Reverse().Select(k => ("demo", demo, demoEnd.AddDays(-7 * (Horizon + (4 * k))), false)));
        foreach (var (set, lines, cutoff, heldOut) in runs)
        {
            clock.Restart();
            var history = WeeklySeriesBuilder.Build(lines, cutoff);
            var forecasts = DemandForecaster.Forecast(history, Horizon, Level).ToDictionary(f => f.ItemId);
            forecastSeconds.Add(clock.Elapsed.TotalSeconds);
            var future = WeeklySeriesBuilder.Build(lines, cutoff.AddDays(7 * Horizon)).ToDictionary(s => s.ItemId);
            foreach (var (group, scores) in Score(history, future, forecasts))
            {
                var best = scores.Mase[1..].Min();
                report.AppendLine(invariant,
                    $"| {set} | {cutoff:yyyy-MM-dd} | {(heldOut ? "yes" : "no")} | {group} | {scores.Count} | {string.Join(" | ", scores.Mase.Select(m => m.ToString("F3", invariant)))} | {(scores.Mase[0] / best) - 1:+0.0%;-0.0%} | {scores.Coverage:P1} |");
                var sum = sums.GetValueOrDefault((set, heldOut, group), (new double[Methods.Length], 0, 0));
                for (var m = 0; m < Methods.Length; m++)
                {
                    sum.Mase[m] += scores.Mase[m];
                }

                sums[(set, heldOut, group)] = (sum.Mase, sum.Coverage + scores.Coverage, sum.Count + 1);
            }
        }

        report.AppendLine();
        report.AppendLine("Mean over cutoffs:");
        report.AppendLine();
        report.AppendLine("| data | cutoffs | group | engine | naive | ma8 | ses | croston-sba | engine vs best baseline | 80% coverage |");
        report.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var ((set, heldOut, group), sum) in sums.OrderByDescending(s => s.Key.Data, StringComparer.Ordinal).ThenBy(s => s.Key.HeldOut).ThenBy(s => s.Key.Group, StringComparer.Ordinal))
        {
            var mean = sum.Mase.Select(m => m / sum.Count).ToArray();
            report.AppendLine(invariant,
                $"| {set} | {(heldOut ? "held out" : "development")} | {group} | {string.Join(" | ", mean.Select(m => m.ToString("F3", invariant)))} | {(mean[0] / mean[1..].Min()) - 1:+0.0%;-0.0%} | {sum.Coverage / sum.Count:P1} |");
        }

        report.AppendLine();
        report.AppendLine(invariant, $"Runtime: parsing the {sales.Lines.Count:N0}-line CSV took {parseSeconds:F1} s; building the weekly series and forecasting every item (with its interval calibration) took {forecastSeconds.Average():F2} s per cutoff on average.");
        Console.Write(report);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, "## Demand forecast", report.ToString());
            Console.WriteLine($"Written to {markdown}.");
        }

        return 0;
    }

    private sealed record GroupScore(double[] Mase, double Coverage, int Count);

    private static IEnumerable<(string Group, GroupScore Score)> Score(
        IReadOnlyList<WeeklySeries> history, Dictionary<string, WeeklySeries> future, Dictionary<string, ItemForecast> forecasts)
    {
        var ranked = history.OrderByDescending(s => s.Weeks.Sum()).ThenBy(s => s.ItemId, StringComparer.Ordinal).ToList();
        var groups = new Dictionary<string, (double[] Mase, int Inside, int Weeks, int Items)>
        {
            ["best sellers"] = (new double[Methods.Length], 0, 0, 0),
            ["intermittent"] = (new double[Methods.Length], 0, 0, 0),
        };
        for (var rank = 0; rank < ranked.Count && rank < 2000; rank++)
        {
            var y = ranked[rank].Weeks;
            var intermittent = rank >= 500 && y.Length >= 13 && y.Count(v => v > 0) * 1.32 <= y.Length;
            if ((rank >= 500 && !intermittent) || Accuracy.NaiveScale(y) is not { } scale)
            {
                continue;
            }

            var actual = future[ranked[rank].ItemId].Weeks[^Horizon..];
            var forecast = forecasts[ranked[rank].ItemId];
            var name = rank < 500 ? "best sellers" : "intermittent";
            var (mase, inside, weeks, items) = groups[name];
            double[] points = [forecast.Point[0], Baselines.Naive(y), Baselines.MovingAverage(y, 8), Baselines.SesOptimized(y), Baselines.CrostonSba(y)];
            for (var m = 0; m < Methods.Length; m++)
            {
                mase[m] += Accuracy.Mase(actual, m == 0 ? forecast.Point : Enumerable.Repeat(points[m], Horizon).ToArray(), scale);
            }

            for (var h = 0; h < Horizon; h++)
            {
                inside += actual[h] >= forecast.Lower[h] && actual[h] <= forecast.Upper[h] ? 1 : 0;
            }

            groups[name] = (mase, inside, weeks + Horizon, items + 1);
        }

        foreach (var (name, (mase, inside, weeks, items)) in groups)
        {
            yield return (name, new GroupScore(mase.Select(m => m / items).ToArray(), (double)inside / weeks, items));
        }
    }

    /// <summary>The Online Retail II file as the forecast verb's input: StockCode, InvoiceDate as UTC, Quantity.</summary>
    private static string RetailToSalesCsv(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var csv = new StringBuilder("item_id,timestamp,quantity\n");
        var fields = new List<string>(8);
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            SalesCsv.Split(line, fields);
            if (fields.Count >= 5)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{fields[1]},{fields[4].Replace(' ', 'T')}Z,{fields[3]}\n");
            }
        }

        return csv.ToString();
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
