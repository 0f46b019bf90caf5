using System.CommandLine;
using System.Globalization;
using System.Text;
using Misty.Grains.Sentiment;

namespace Misty.Silo.Commands;

/// <summary>
/// Scores text from stdin, one compound score per line, so that the analyzer can be checked against any
/// human-rated file without a running cluster.
/// </summary>
internal static class SentimentCommand
{
    public static Command Create()
    {
        var evaluate = new Option<bool>("--evaluate")
        {
            Description = "For id<TAB>score<TAB>text input, also print Pearson r, three-class accuracy and weighted F1 against the scores to stderr.",
        };
        var ratingScale = new Option<double>("--rating-scale")
        {
            Description = "With --evaluate: the human scores run from -scale to +scale (4 for the VADER ground-truth files).",
            DefaultValueFactory = _ => RatedText.VaderRatingScale,
        };
        var command = new Command(
            "sentiment",
            "Reads lines from stdin, either plain text or id<TAB>score<TAB>text (the text column is scored), and writes one compound sentiment score in [-1, 1] per line to stdout.")
        {
            evaluate,
            ratingScale,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error,
                parse.GetValue(evaluate), parse.GetValue(ratingScale), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        Stream input, Stream output, TextWriter diagnostics, bool evaluate, double ratingScale, CancellationToken cancellationToken)
    {
        if (evaluate && !(ratingScale > 0))
        {
            await diagnostics.WriteLineAsync("--rating-scale must be a positive number.");
            return 2;
        }

        var analyzer = SentimentAnalyzer.Default;
        var expected = new List<double>();
        var predicted = new List<double>();
        using var reader = new StreamReader(input, Encoding.UTF8);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var isRated = RatedText.TryParse(line, out var rated);
            var compound = analyzer.Analyze(isRated ? rated.Text : line).Compound;
            await writer.WriteLineAsync(compound.ToString("F4", CultureInfo.InvariantCulture));
            if (evaluate && isRated)
            {
                expected.Add(rated.Rating / ratingScale);
                predicted.Add(compound);
            }
        }

        await writer.FlushAsync(cancellationToken);
        if (!evaluate)
        {
            return 0;
        }

        if (expected.Count == 0)
        {
            await diagnostics.WriteLineAsync("--evaluate: no id<TAB>score<TAB>text lines to compare with.");
            return 1;
        }

        await diagnostics.WriteLineAsync(SentimentEvaluation.Compare(expected.ToArray(), predicted.ToArray()).ToString());
        return 0;
    }
}
