using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Misty.Grains.Forecasting;
using Misty.Seeding;

namespace Misty.Benchmarks.Replenishment;

/// <summary>
/// The replenishment plan against a static min/max rule of the same average stock, replaying the last 26 weeks of the
/// demo data and of the development retail data: fill rate, average stock value, orders placed and stock-out days.
/// </summary>
internal static class ReplenishmentBenchmark
{
    private const int Weeks = 26;
    private const int Items = 1_000;
    private const string DefaultData = "../shared/data/retail/online_retail_II_2009_2010.csv.gz";
    private static readonly double[] ServiceScales = [0.5, 1.0, 1.5];

    public static int Run(string[] args)
    {
        var markdown = Option(args, "--markdown");
        var data = Option(args, "--data") ?? DefaultData;
        if (!File.Exists(data))
        {
            Console.Error.WriteLine($"usage: replenishment [--data <online_retail_II csv.gz>] [--markdown <file>]; {data} not found.");
            return 2;
        }

        var invariant = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine(invariant, $"Machine: {BenchmarkReport.Machine()}. Shared 2-core machine with other work running. Repeat with:");
        report.AppendLine();
        report.AppendLine(invariant, $"    {BenchmarkReport.Command("replenishment", args)}");
        report.AppendLine();
        report.AppendLine(invariant, $"Replay of the last {Weeks} weeks, day by day, of the {Items:N0} items that sold most before them: a weekly review, goods arriving {PolicySimulation.LeadDays} days after the order, demand the shelf cannot serve lost. The plan is `ReplenishmentPlanner` on the production forecaster refitted at every review on the sales before it (80 % intervals, stored rounding), each item bought at its unit cost; its service scale sets the stock budget (what every item at the scale's own service level would hold), and at every review the stock price found over all the items' forecasts (`ReplenishmentBudget`, as the nightly run does) places that stock where a copy saves the most lost sales per unit of value. The min/max rule (Odoo reorder rules, ERPNext reorder levels) is set once from the average weekly sales of the {Weeks} weeks before, min = factor x demand over lead time plus review, max a week above min; its factor is found by bisection so its average stock value matches the plan's. Stock is valued at each item's unit cost. Fill rate = units sold / units asked for; stock-out days = item-days with demand unserved.");
        report.AppendLine();
        report.AppendLine("| data | policy | fill rate | average stock value | orders | stock-out days |");
        report.AppendLine("|---|---|---:|---:|---:|---:|");
        var timings = new List<string>();
        var breakdown = new StringBuilder();
        foreach (var dataset in new Func<PolicyData>[] { DemoData, () => RetailData(data) })
        {
            var clock = Stopwatch.StartNew();
            var policyData = dataset();
            var end = new DateTimeOffset(policyData.Lines.Max(l => l.Timestamp).UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            var simulation = new PolicySimulation(policyData, end.AddDays(-7 * Weeks), Weeks, Items);
            foreach (var scale in ServiceScales)
            {
                var plan = simulation.Plan(scale);
                var rule = simulation.MinMaxAtStock(plan.AverageStockValue);
                foreach (var result in new[] { plan, rule })
                {
                    report.AppendLine(invariant,
                        $"| {policyData.Name} | {result.Policy} | {result.FillRate:P2} | {result.AverageStockValue:N0} | {result.Orders:N0} | {result.StockOutDays:N0} |");
                }

                if (scale == 1.0)
                {
                    foreach (var (planBand, ruleBand) in simulation.ByWeeklySales(plan).Zip(simulation.ByWeeklySales(rule)))
                    {
                        breakdown.AppendLine(invariant,
                            $"| {policyData.Name} | {planBand.Band} | {planBand.Items:N0} | {planBand.Demand:N0} | {planBand.FillRate:P1} | {ruleBand.FillRate:P1} | {planBand.AverageStockValue:N0} | {ruleBand.AverageStockValue:N0} |");
                    }
                }
            }

            Console.Error.WriteLine($"{policyData.Name}: {simulation.Items} items, {simulation.TotalDemand:N0} units asked for, {clock.Elapsed.TotalSeconds:F0} s.");
            clock.Restart();
            var refreshed = DemandForecaster.Forecast(WeeklySeriesBuilder.Build(policyData.Lines, end), 12, 0.8);
            timings.Add(string.Create(invariant,
                $"{policyData.Name}: {refreshed.Count:N0} items with sales forecast 12 weeks ahead from {policyData.Lines.Count:N0} sale lines in {clock.Elapsed.TotalSeconds:F1} s"));
        }

        report.AppendLine();
        report.AppendLine("Where the fill is lost, at the default scale (1) against the min/max rule of the same stock: items grouped by their average weekly sales in the weeks before the replay.");
        report.AppendLine();
        report.AppendLine("| data | weekly sales before | items | units asked for | plan fill | min/max fill | plan stock value | min/max stock value |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        report.Append(breakdown);
        report.AppendLine();
        report.AppendLine(invariant, $"Forecast refresh, engine only (weekly series, forecasts and interval calibration, as the nightly workflow computes them before writing demand_forecasts): {string.Join("; ", timings)}.");

        Console.Write(report);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, "## Replenishment policy", report.ToString());
            Console.WriteLine($"Written to {markdown}.");
        }

        return 0;
    }

    /// <summary>The demo dataset's sale rows (as the seeder writes them, default sizes) and each album's cost.</summary>
    internal static PolicyData DemoData()
    {
        var demo = DemoDataset.Generate(new SeedOptions());
        var albumOf = demo.Inventory.ToDictionary(row => row.InventoryId, row => row.AlbumId.ToString());
        var lines = demo.InventoryTransactions.Where(row => row.TransactionType == "sale")
            .Select(row => new SaleLine(albumOf[row.InventoryId], new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)), -row.QuantityChange))
            .ToList();
        var cost = demo.Catalog.Albums.ToDictionary(album => album.Row.AlbumId.ToString(), album => album.Row.Cost, StringComparer.Ordinal);
        return new PolicyData("demo", lines, cost);
    }

    /// <summary>The Online Retail II file: StockCode, InvoiceDate (UTC), Quantity; an item's cost is its median price.</summary>
    private static PolicyData RetailData(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var lines = new List<SaleLine>();
        var prices = new Dictionary<string, List<decimal>>(StringComparer.Ordinal);
        var fields = new List<string>(8);
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            SalesCsv.Split(line, fields);
            if (fields.Count < 6 || !int.TryParse(fields[3], CultureInfo.InvariantCulture, out var quantity)
                || !DateTime.TryParse(fields[4], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                || !decimal.TryParse(fields[5], CultureInfo.InvariantCulture, out var price))
            {
                continue;
            }

            lines.Add(new SaleLine(fields[1], new DateTimeOffset(at, TimeSpan.Zero), quantity));
            if (quantity > 0 && price > 0)
            {
                (prices.TryGetValue(fields[1], out var list) ? list : prices[fields[1]] = []).Add(price);
            }
        }

        var cost = prices.ToDictionary(p => p.Key, p => p.Value.Order().ElementAt(p.Value.Count / 2), StringComparer.Ordinal);
        return new PolicyData("retail", lines, cost);
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
