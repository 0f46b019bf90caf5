using System.Diagnostics;
using System.Globalization;
using System.Text;
using Misty.Grains.Recommendations;

namespace Misty.Benchmarks.Recommendations;

/// <summary>
/// The recommender on real purchases: for several cutoffs in the retail year, hit rate@10 and recall@10 on the items
/// each customer bought for the first time in the 30 days after, next to the three baselines it is graded against;
/// and the time the <c>recommend</c> verb's path takes for a million lines.
/// </summary>
internal static class RecommendBenchmark
{
    private const int K = 10;
    private static readonly TimeSpan Window = TimeSpan.FromDays(30);
    private static readonly string[] Cutoffs = ["2010-08-09", "2010-09-09", "2010-10-09", "2010-11-09"];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        var markdown = args.Length == 2 && args[0] == "--markdown" ? args[1] : null;
        if (args.Length > 0 && markdown is null)
        {
            Console.Error.WriteLine("usage: recommend [--markdown <file>]");
            return 2;
        }

        if (RetailTransactions.Locate() is not { } path)
        {
            Console.Error.WriteLine($"{RetailTransactions.FileName} not found under ../shared/data/retail beside the repository.");
            return 1;
        }

        var machine = BenchmarkReport.Machine();
        var lines = RetailTransactions.Read(path);
        var report = new StringBuilder();
        report.AppendLine(Invariant, $"Measured {machine} with");
        report.AppendLine();
        report.AppendLine(Invariant, $"    {BenchmarkReport.Command("recommend", args)}");
        report.AppendLine();
        report.Append(Invariant, $"Quality: {RetailTransactions.FileName} ({lines.Count:N0} lines with a customer id; Customer ID as customer, StockCode as item). ");
        report.AppendLine(Invariant,
            $"For each cutoff, everything before it is the input; the customers scored are those with a purchase before it and at least one item " +
            $"bought for the first time in the {Window.TotalDays:F0} days after (net quantity > 0). Hit rate@{K}: share of them with at least one such item " +
            $"among their {K} suggestions; recall@{K}: share of their new items suggested, averaged over customers. The engine's parameters are " +
            $"RecommenderOptions.Default, tuned on these same four splits, so the figures are optimistic for unseen data.");
        report.AppendLine();
        report.AppendLine("| cutoff | customers | scorer | hit rate@10 | recall@10 |");
        report.AppendLine("| --- | --- | --- | --- | --- |");
        var sums = new Dictionary<string, (double Hit, double Recall)>();
        foreach (var cutoffText in Cutoffs)
        {
            var cutoff = DateTimeOffset.Parse(cutoffText + "T00:00:00Z", Invariant);
            foreach (var result in RecommendationEvaluation.CompareWithBaselines(lines, cutoff, Window, K, RecommenderOptions.Default))
            {
                report.AppendLine(Invariant, $"| {cutoffText} | {result.Customers:N0} | {result.Scorer} | {result.HitRate:F4} | {result.Recall:F4} |");
                var sum = sums.GetValueOrDefault(result.Scorer);
                sums[result.Scorer] = (sum.Hit + result.HitRate / Cutoffs.Length, sum.Recall + result.Recall / Cutoffs.Length);
            }
        }

        var engine = sums[RecommendationEvaluation.EngineName];
        var bestHit = sums.Where(s => s.Key != RecommendationEvaluation.EngineName).Max(s => s.Value.Hit);
        var bestRecall = sums.Where(s => s.Key != RecommendationEvaluation.EngineName).Max(s => s.Value.Recall);
        report.AppendLine();
        report.AppendLine("Mean over the four cutoffs:");
        report.AppendLine();
        report.AppendLine("| scorer | hit rate@10 | recall@10 |");
        report.AppendLine("| --- | --- | --- |");
        foreach (var (scorer, (hit, recall)) in sums)
        {
            report.AppendLine(Invariant, $"| {scorer} | {hit:F4} | {recall:F4} |");
        }

        report.AppendLine(Invariant, $"| engine / best baseline | {engine.Hit / bestHit:F2}x | {engine.Recall / bestRecall:F2}x |");
        report.AppendLine();
        AppendSpeed(report, lines);

        Console.Write(report);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, "## Recommendations", report.ToString());
            Console.WriteLine($"Written to {markdown}.");
        }

        return 0;
    }

    /// <summary>The verb's whole path (parse CSV, fit, suggest, write CSV) on a million lines built from the retail year.</summary>
    private static void AppendSpeed(StringBuilder report, List<PurchaseLine> lines)
    {
        var csv = new StringBuilder("customer_id,item_id,timestamp,quantity\n");
        var written = 0;
        // Copies of the year under other customer ids, so the customer count grows as it would with more data.
        for (var copy = 0; written < 1_000_000; copy++)
        {
            foreach (var line in lines)
            {
                if (written++ == 1_000_000)
                {
                    break;
                }

                csv.Append(Invariant, $"{copy}-{line.CustomerId},{line.ItemId},{line.Timestamp:yyyy-MM-ddTHH:mm:ssZ},{line.Quantity}\n");
            }
        }

        var watch = Stopwatch.StartNew();
        var summary = RecommendationCsvRun.Run(new StringReader(csv.ToString()), TextWriter.Null, DateTimeOffset.Parse("2010-11-09T00:00:00Z", Invariant), K);
        watch.Stop();
        report.AppendLine(Invariant,
            $"Speed: the `recommend` verb's path (RecommendationCsvRun: parse, fit, {K} suggestions per customer, write) on {summary.LinesRead:N0} lines " +
            $"({summary.Customers:N0} customers, {summary.Items:N0} items before the cutoff 2010-11-09) took {watch.Elapsed.TotalSeconds:F1} s; the budget is 120 s.");
    }
}
