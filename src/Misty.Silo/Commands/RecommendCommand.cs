using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Misty.Grains.Recommendations;

namespace Misty.Silo.Commands;

/// <summary>
/// Runs the product's recommender on purchase lines from stdin, so that it can be checked against real purchases
/// without a running cluster.
/// </summary>
internal static class RecommendCommand
{
    public static Command Create()
    {
        var cutoff = new Option<string>("--cutoff")
        {
            Description = "ISO 8601 instant (e.g. 2011-11-09T00:00:00Z): lines at or after it are ignored.",
            Required = true,
        };
        cutoff.Validators.Add(result =>
        {
            if (!PurchaseCsv.TryParseTimestamp(result.GetValueOrDefault<string>() ?? string.Empty, out _))
            {
                result.AddError("--cutoff must be an ISO 8601 date or instant, e.g. 2011-11-09T00:00:00Z.");
            }
        });
        var k = new Option<int>("--k")
        {
            Description = "Suggestions per customer.",
            DefaultValueFactory = _ => 10,
        };
        k.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--k must be at least 1.");
            }
        });
        var command = new Command(
            "recommend",
            "Reads CSV customer_id,item_id,timestamp,quantity on stdin (negative quantities are returns) and writes CSV customer_id,rank,item_id,score: "
            + "for every customer in the input, k items they had not bought before the cutoff, rank 1 first. Customers with no purchase before the cutoff get what is selling best lately.")
        {
            cutoff,
            k,
        };
        command.SetAction(parse =>
            PurchaseCsv.TryParseTimestamp(parse.GetValue(cutoff) ?? string.Empty, out var instant)
                ? Run(new StreamReader(Console.OpenStandardInput(), Encoding.UTF8, true, 1 << 16), Console.OpenStandardOutput(), Console.Error, instant.ToUniversalTime(), parse.GetValue(k))
                : 2);
        return command;
    }

    private static int Run(TextReader input, Stream output, TextWriter diagnostics, DateTimeOffset cutoff, int k)
    {
        var watch = Stopwatch.StartNew();
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        try
        {
            var summary = RecommendationCsvRun.Run(input, writer, cutoff, k);
            diagnostics.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"recommend: {summary.LinesRead} lines read, {summary.LinesSkipped} unparseable lines skipped, {summary.Customers} customers, {summary.Items} items before the cutoff, {watch.Elapsed.TotalSeconds:F1} s."));
            return 0;
        }
        catch (FormatException ex)
        {
            diagnostics.WriteLine(ex.Message);
            return 2;
        }
    }
}
