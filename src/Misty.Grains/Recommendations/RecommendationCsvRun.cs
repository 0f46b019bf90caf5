using System.Globalization;

namespace Misty.Grains.Recommendations;

/// <summary>What one CSV run read and wrote.</summary>
public sealed record RecommendationRunSummary(int LinesRead, int LinesSkipped, int Customers, int Items);

/// <summary>
/// The <c>recommend</c> verb without its console: purchase CSV in, <c>customer_id,rank,item_id,score</c> CSV out,
/// through the same <see cref="Recommender"/> the product uses.
/// </summary>
public static class RecommendationCsvRun
{
    public const string OutputHeader = "customer_id,rank,item_id,score";

    /// <exception cref="FormatException">The input has no usable header.</exception>
    public static RecommendationRunSummary Run(TextReader input, TextWriter output, DateTimeOffset cutoff, int k, RecommenderOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var read = PurchaseCsv.Read(input);
        var history = PurchaseHistory.Build(read.Lines, cutoff);
        var recommender = new Recommender(history, options ?? RecommenderOptions.Default);
        var suggestions = TopItems.ForAllCustomers(history, recommender, k, recommender.Popularity.ToArray());

        output.Write(OutputHeader);
        output.Write('\n');
        for (var customer = 0; customer < history.CustomerCount; customer++)
        {
            var id = Quote(history.CustomerIds[customer]);
            var rank = 1;
            foreach (var suggestion in suggestions[customer])
            {
                output.Write(id);
                output.Write(',');
                output.Write(rank++.ToString(CultureInfo.InvariantCulture));
                output.Write(',');
                output.Write(Quote(history.ItemIds[suggestion.Item]));
                output.Write(',');
                output.Write(suggestion.Score.ToString("0.######", CultureInfo.InvariantCulture));
                output.Write('\n');
            }
        }

        output.Flush();
        return new RecommendationRunSummary(read.Lines.Count, read.Skipped, history.CustomerCount, history.ItemCount);
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
