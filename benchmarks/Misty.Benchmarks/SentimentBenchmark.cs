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
        var byRule = args.Length > 0 && args[0] == "--rules";
        var rest = byRule ? args[1..] : args;
        var markdown = rest.Length == 2 && rest[0] == "--markdown" ? rest[1] : null;
        if (rest.Length > 0 && markdown is null)
        {
            Console.Error.WriteLine("usage: sentiment [--rules] [--markdown <file>]");
            return 2;
        }

        if (byRule)
        {
            return RunByRule(args, markdown);
        }

        var machine = BenchmarkReport.Machine();
        var loading = Stopwatch.StartNew();
        var analyzer = SentimentAnalyzer.Default;
        loading.Stop();

        var (rates, bytesPerMessage) = MeasureThroughput(analyzer);
        var report = Header(machine, args);
        var invariant = CultureInfo.InvariantCulture;
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

        foreach (var file in SentimentDevelopmentSets.OwnSets.SelectMany(set => set.Files))
        {
            var path = LocateOwn(file);
            var texts = RatedText.ReadFile(path);
            var own = SentimentEvaluation.Evaluate(analyzer, texts);
            var vader = SentimentEvaluation.EvaluateReference(texts, SentimentDevelopmentSets.VaderReferenceOf(path));
            report.AppendLine(invariant,
                $"| {file} (ours; VADER is its npm port) | {own.Count:N0} | {own.Pearson:F3} | {own.Accuracy:F3} | {own.WeightedF1:F3} | " +
                $"{vader.Pearson:F3} | {vader.Accuracy:F3} | {vader.WeightedF1:F3} |");
        }

        Console.Write(report);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, "## Sentiment", report.ToString());
            Console.WriteLine($"Written to {markdown}.");
        }

        return 0;
    }

    /// <summary>
    /// Each rule the analyzer adds to VADER, switched off in turn, on every kind of text: a rule earns its place
    /// only if no kind scores better without it.
    /// </summary>
    private static int RunByRule(string[] args, string? markdown)
    {
        var kinds = new List<(string Name, IReadOnlyList<RatedText> Texts)>();
        foreach (var (name, file) in new[] { ("movie reviews", SentimentDevelopmentSets.MovieReviews), ("NYT editorials", SentimentDevelopmentSets.NytEditorials) })
        {
            if (SentimentDevelopmentSets.Locate(file) is not { } path)
            {
                Console.Error.WriteLine($"{file} not found.");
                return 1;
            }

            kinds.Add((name, RatedText.ReadFile(path)));
        }

        // Our own sets pool by kind; ids repeat across files, so each file's VADER compounds are read against its own texts.
        var vaderOwn = new List<SentimentQuality>();
        foreach (var (kind, files) in SentimentDevelopmentSets.OwnSets)
        {
            var perFile = files.Select(LocateOwn).Select(path => (Path: path, Texts: RatedText.ReadFile(path))).ToList();
            kinds.Add(($"{kind} (ours)", perFile.SelectMany(file => file.Texts).ToList()));
            vaderOwn.Add(SentimentEvaluation.Compare(
                perFile.SelectMany(file => file.Texts.Select(t => t.Rating / RatedText.VaderRatingScale)).ToArray(),
                perFile.SelectMany(file => SentimentEvaluation.ReadReference(file.Texts, SentimentDevelopmentSets.VaderReferenceOf(file.Path))).ToArray()));
        }

        var invariant = CultureInfo.InvariantCulture;
        var report = Header(BenchmarkReport.Machine(), args);
        report.AppendLine(invariant,
            $"Each row switches one rule of `SentimentRules` off and gives r / accuracy / weighted F1 per kind of text, as differences from the " +
            $"analyzer with every rule. Our own sets pool by kind: {string.Join("; ", SentimentDevelopmentSets.OwnSets.Select(set => $"{set.Kind}: {string.Join(", ", set.Files)}"))}. " +
            $"The last row is VADER itself: the figures of the data's README on movie reviews and editorials, its npm port on our own sets.");
        report.AppendLine();
        report.AppendLine(invariant, $"| rules | {string.Join(" | ", kinds.Select(k => $"{k.Name} ({k.Texts.Count:N0})"))} |");
        report.AppendLine(invariant, $"| --- |{string.Concat(kinds.Select(_ => " ---: |"))}");

        var analyzerWithAll = SentimentAnalyzer.WithRules(SentimentRules.All);
        var all = kinds.Select(k => SentimentEvaluation.Evaluate(analyzerWithAll, k.Texts)).ToList();
        report.AppendLine(invariant, $"| all (the analyzer) | {string.Join(" | ", all.Select(q => $"{q.Pearson:F3} / {q.Accuracy:F3} / {q.WeightedF1:F3}"))} |");
        var variants = Enum.GetValues<SentimentRules>()
            .Where(r => r is not SentimentRules.None and not SentimentRules.All)
            .Select(r => ($"without {r}", SentimentRules.All & ~r))
            .Append(("VADER's rules only", SentimentRules.None));
        foreach (var (label, rules) in variants)
        {
            var analyzer = SentimentAnalyzer.WithRules(rules);
            var cells = kinds.Select((k, i) =>
            {
                var q = SentimentEvaluation.Evaluate(analyzer, k.Texts);
                return $"{q.Pearson - all[i].Pearson:+0.000;-0.000;0} / {q.Accuracy - all[i].Accuracy:+0.000;-0.000;0} / {q.WeightedF1 - all[i].WeightedF1:+0.000;-0.000;0}";
            });
            report.AppendLine(invariant, $"| {label} | {string.Join(" | ", cells)} |");
        }

        SentimentQuality[] vader =
        [
            SentimentDevelopmentSets.VaderFigures[SentimentDevelopmentSets.MovieReviews],
            SentimentDevelopmentSets.VaderFigures[SentimentDevelopmentSets.NytEditorials],
            .. vaderOwn,
        ];
        report.AppendLine(invariant, $"| VADER | {string.Join(" | ", vader.Select(q => $"{q.Pearson:F3} / {q.Accuracy:F3} / {q.WeightedF1:F3}"))} |");

        Console.Write(report);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, "## Sentiment rule by rule", report.ToString());
            Console.WriteLine($"Written to {markdown}.");
        }

        return 0;
    }

    /// <summary>The machine and the command that give the figures after it.</summary>
    private static StringBuilder Header(string machine, string[] args) =>
        new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Measured {machine} with")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"    {BenchmarkReport.Command("sentiment", args)}")
            .AppendLine();

    private static string LocateOwn(string file) =>
        SentimentDevelopmentSets.Locate(file) ?? throw new FileNotFoundException($"{file} is not in tests/Misty.Tests/Sentiment/Data.");

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
