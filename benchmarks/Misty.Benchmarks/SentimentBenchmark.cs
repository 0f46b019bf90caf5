using System.Diagnostics;
using System.Globalization;
using System.Text;
using Misty.Grains.Sentiment;

namespace Misty.Benchmarks;

/// <summary>
/// Throughput of <see cref="SentimentAnalyzer"/> on short customer-style messages, on one thread, and its
/// quality on the development sets next to VADER's published figures.
/// </summary>
internal static class SentimentBenchmark
{
    private const int Runs = 7;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(2);

    // The kinds of text the analyzer meets: case messages, review snippets, social posts with emoji and shouting.
    private static readonly string[] Messages =
    [
        "The record arrived warped and the sleeve was torn. Really disappointed!",
        "Thanks so much, the pressing sounds amazing 😍",
        "Where is my order? It's been two weeks.",
        "not bad at all, would buy again",
        "This is the WORST customer service I have ever had!!!",
        "Great selection, fair prices, fast shipping :)",
        "Can you tell me if the Blue Note reissue is back in stock?",
        "I love this shop but the website keeps crashing.",
        "It doesn't play on side B, the needle skips every few seconds",
        "Honestly the best record store in town, highly recommend 👍",
        "meh, the remaster is kind of flat compared to the original",
        "Still waiting for my refund... 😡",
    ];

    public static int Run(string[] args)
    {
        var markdown = args.Length == 2 && args[0] == "--markdown" ? args[1] : null;
        if (args.Length > 0 && markdown is null)
        {
            Console.Error.WriteLine("usage: sentiment [--markdown <file>]");
            return 2;
        }

        var machine = BenchmarkReport.Machine();
        var loading = Stopwatch.StartNew();
        var analyzer = SentimentAnalyzer.Default;
        loading.Stop();

        var (rates, bytesPerMessage) = MeasureThroughput(analyzer);
        var report = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        report.AppendLine(invariant, $"Measured {machine} with");
        report.AppendLine();
        report.AppendLine(invariant, $"    {BenchmarkReport.Command("sentiment", args)}");
        report.AppendLine();
        report.AppendLine(invariant,
            $"Throughput: one thread scores {Messages.Length} short messages (case messages, reviews, posts with emoji, capitals and emoticons; " +
            $"see SentimentBenchmark.cs) round and round: {WarmUp.TotalSeconds:F0} s warm-up, then {Runs} timed runs of {RunLength.TotalSeconds:F0} s. " +
            $"The requirement is at least 50,000 messages per second on one core.");
        report.AppendLine();
        report.AppendLine("| figure | value |");
        report.AppendLine("| --- | --- |");
        report.AppendLine(invariant, $"| messages per second, median of {Runs} runs | {Median(rates):N0} |");
        report.AppendLine(invariant, $"| slowest / fastest run | {rates.Min():N0} / {rates.Max():N0} |");
        report.AppendLine(invariant, $"| time per message (median) | {1e9 / Median(rates):F0} ns |");
        report.AppendLine(invariant, $"| bytes allocated per message | {bytesPerMessage:F1} |");
        report.AppendLine(invariant, $"| loading the lexicons (first use of Default) | {loading.ElapsedMilliseconds} ms |");
        report.AppendLine();
        report.AppendLine("Quality on the development sets: Pearson r of the compound score against the mean human rating / 4; " +
            "three-class accuracy and weighted F1 with classes split at ±0.05. VADER's figures are those of the data's README.");
        report.AppendLine();
        report.AppendLine("| file | texts | r | accuracy | weighted F1 | VADER r | VADER accuracy | VADER weighted F1 |");
        report.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (file, vader) in SentimentDevelopmentSets.VaderFigures)
        {
            if (SentimentDevelopmentSets.Locate(file) is not { } path)
            {
                report.AppendLine(invariant, $"| {file} | not found | | | | {vader.Pearson:F3} | {vader.Accuracy:F3} | {vader.WeightedF1:F3} |");
                continue;
            }

            var quality = SentimentEvaluation.Evaluate(analyzer, RatedText.ReadFile(path));
            report.AppendLine(invariant,
                $"| {file} | {quality.Count:N0} | {quality.Pearson:F3} | {quality.Accuracy:F3} | {quality.WeightedF1:F3} | " +
                $"{vader.Pearson:F3} | {vader.Accuracy:F3} | {vader.WeightedF1:F3} |");
        }

        // Our own informal sets: the development set the rules were written against, and a held-out one written after them.
        foreach (var file in new[] { "informal-dev.tsv", "informal-heldout.tsv" })
        {
            var informal = Path.Combine(MistyRepository.Root(), "benchmarks", "Misty.Benchmarks", "Sentiment", file);
            var casual = SentimentEvaluation.Evaluate(analyzer, RatedText.ReadFile(informal));
            report.AppendLine(invariant,
                $"| {file} (ours, see below) | {casual.Count:N0} | {casual.Pearson:F3} | {casual.Accuracy:F3} | {casual.WeightedF1:F3} | | | |");
        }

        Console.Write(report);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, "## Sentiment", report.ToString());
            Console.WriteLine($"Written to {markdown}.");
        }

        return 0;
    }

    private static (double[] Rates, double BytesPerMessage) MeasureThroughput(SentimentAnalyzer analyzer)
    {
        // The sink keeps the JIT from discarding the work.
        double sink = 0;
        TimedRun(analyzer, WarmUp, ref sink);
        var rates = new double[Runs];
        long allocated = 0, messages = 0;
        for (var run = 0; run < Runs; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var (count, elapsed) = TimedRun(analyzer, RunLength, ref sink);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            messages += count;
            rates[run] = count / elapsed.TotalSeconds;
        }

        GC.KeepAlive(sink);
        return (rates, (double)allocated / messages);
    }

    private static (long Count, TimeSpan Elapsed) TimedRun(SentimentAnalyzer analyzer, TimeSpan length, ref double sink)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            foreach (var message in Messages)
            {
                sink += analyzer.Analyze(message).Compound;
            }

            count += Messages.Length;
        }
        while (clock.Elapsed < length);

        return (count, clock.Elapsed);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
