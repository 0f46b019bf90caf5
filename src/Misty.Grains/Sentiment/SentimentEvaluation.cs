using System.Globalization;

namespace Misty.Grains.Sentiment;

/// <summary>A human-rated text: a line <c>id&lt;TAB&gt;rating&lt;TAB&gt;text</c> of a ground-truth file.</summary>
public readonly record struct RatedText(string Id, double Rating, string Text)
{
    /// <summary>The rating scale of the VADER ground-truth files: a mean human rating in -4..+4.</summary>
    public const double VaderRatingScale = 4;

    /// <summary>
    /// Parses <c>id&lt;TAB&gt;rating&lt;TAB&gt;text</c>; the text may itself hold tabs. False for any other line,
    /// which callers then treat as plain text.
    /// </summary>
    public static bool TryParse(string line, out RatedText rated)
    {
        rated = default;
        var firstTab = line.IndexOf('\t', StringComparison.Ordinal);
        if (firstTab < 0)
        {
            return false;
        }

        var secondTab = line.IndexOf('\t', firstTab + 1);
        if (secondTab < 0 ||
            !double.TryParse(line.AsSpan(firstTab + 1, secondTab - firstTab - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var rating))
        {
            return false;
        }

        rated = new RatedText(line[..firstTab], rating, line[(secondTab + 1)..]);
        return true;
    }

    /// <summary>Reads a ground-truth file, skipping blank and unparsable lines.</summary>
    public static IReadOnlyList<RatedText> ReadFile(string path)
    {
        var result = new List<RatedText>();
        foreach (var line in File.ReadLines(path))
        {
            if (TryParse(line, out var rated))
            {
                result.Add(rated);
            }
        }

        return result;
    }
}

/// <summary>Agreement between predicted compounds and human ratings, both on the -1..+1 scale.</summary>
/// <param name="Pearson">Pearson correlation of the raw scores.</param>
/// <param name="Accuracy">Share of texts whose three-class label (±<see cref="SentimentLabels.NeutralBand"/>) matches.</param>
/// <param name="WeightedF1">Per-class F1 averaged with the human labels' class frequencies as weights.</param>
public sealed record SentimentQuality(int Count, double Pearson, double Accuracy, double WeightedF1)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count} r={Pearson:F3} accuracy={Accuracy:F3} weightedF1={WeightedF1:F3}");
}

/// <summary>
/// The two human-rated development sets shipped with the VADER lexicon, and VADER's own figures on them (from
/// the data's README), which the analyzer is held to.
/// </summary>
public static class SentimentDevelopmentSets
{
    public const string MovieReviews = "movieReviewSnippets_GroundTruth.txt";
    public const string NytEditorials = "nytEditorialSnippets_GroundTruth.txt";

    /// <summary>
    /// Texts written and rated for this project (tests/Misty.Tests/Sentiment/Data), by kind. Informal posts: the
    /// development set the rules were written against, a held-out one written after them, and two written by hands
    /// that never saw the analyzer, as were the product-review sentences and the customer messages. Each file has
    /// beside it the npm port of VADER's compounds (<c>.vader.tsv</c>), as VADER's reference.
    /// </summary>
    public static readonly (string Kind, string[] Files)[] OwnSets =
    [
        ("informal posts", ["informal-dev.tsv", "informal-heldout.tsv", "informal-a.tsv", "informal-b.tsv"]),
        ("product reviews", ["product-reviews.tsv"]),
        ("customer messages", ["customer-messages.tsv"]),
    ];

    /// <summary>The file of VADER's compounds (<c>id&lt;TAB&gt;compound</c>) that goes with a rated file.</summary>
    public static string VaderReferenceOf(string ratedPath) => Path.ChangeExtension(ratedPath, ".vader.tsv");

    public static IReadOnlyDictionary<string, SentimentQuality> VaderFigures { get; } = new Dictionary<string, SentimentQuality>
    {
        [MovieReviews] = new(10_605, 0.428, 0.553, 0.580),
        [NytEditorials] = new(5_190, 0.503, 0.540, 0.548),
    };

    /// <summary>
    /// Finds a development set: in the shared data folder beside the checkout (../shared/data/sentiment from the
    /// folder holding Misty.sln), else in the copies the tests carry (Sentiment/Data in the test output or in
    /// tests/Misty.Tests). Null when none is there.
    /// </summary>
    public static string? Locate(string fileName, string? startDirectory = null)
    {
        startDirectory ??= AppContext.BaseDirectory;
        var root = new DirectoryInfo(startDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Misty.sln")))
        {
            root = root.Parent;
        }

        string?[] candidates =
        [
            root is null ? null : Path.Combine(root.FullName, "..", "shared", "data", "sentiment", fileName),
            Path.Combine(startDirectory, "Sentiment", "Data", fileName),
            root is null ? null : Path.Combine(root.FullName, "tests", "Misty.Tests", "Sentiment", "Data", fileName),
        ];
        return candidates.FirstOrDefault(File.Exists) is { } found ? Path.GetFullPath(found) : null;
    }
}

public static class SentimentEvaluation
{
    /// <summary>Scores every text and compares with its rating divided by <paramref name="ratingScale"/>.</summary>
    public static SentimentQuality Evaluate(
        SentimentAnalyzer analyzer, IReadOnlyList<RatedText> texts, double ratingScale = RatedText.VaderRatingScale)
    {
        var expected = new double[texts.Count];
        var predicted = new double[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            expected[i] = texts[i].Rating / ratingScale;
            predicted[i] = analyzer.Analyze(texts[i].Text).Compound;
        }

        return Compare(expected, predicted);
    }

    /// <summary>Compares another analyzer's compounds, kept as <c>id&lt;TAB&gt;compound</c> lines, with the ratings.</summary>
    public static SentimentQuality EvaluateReference(
        IReadOnlyList<RatedText> texts, string referencePath, double ratingScale = RatedText.VaderRatingScale) =>
        Compare(texts.Select(t => t.Rating / ratingScale).ToArray(), ReadReference(texts, referencePath));

    /// <summary>Another analyzer's compounds for the texts, in their order, from <c>id&lt;TAB&gt;compound</c> lines.</summary>
    public static double[] ReadReference(IReadOnlyList<RatedText> texts, string referencePath)
    {
        var compounds = File.ReadLines(referencePath)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 2)
            .ToDictionary(fields => fields[0], fields => double.Parse(fields[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return texts.Select(t => compounds.TryGetValue(t.Id, out var compound)
            ? compound
            : throw new InvalidDataException($"{referencePath} has no compound for {t.Id}.")).ToArray();
    }

    public static SentimentQuality Compare(ReadOnlySpan<double> expected, ReadOnlySpan<double> predicted)
    {
        if (expected.Length != predicted.Length)
        {
            throw new ArgumentException("Expected and predicted scores differ in length.", nameof(predicted));
        }

        return new SentimentQuality(expected.Length, Pearson(expected, predicted), Accuracy(expected, predicted), WeightedF1(expected, predicted));
    }

    /// <summary>Pearson's r; 0 when either side has no variance (or there is nothing to compare).</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var n = x.Length;
        if (n == 0)
        {
            return 0;
        }

        double meanX = 0, meanY = 0;
        for (var i = 0; i < n; i++)
        {
            meanX += x[i];
            meanY += y[i];
        }

        meanX /= n;
        meanY /= n;
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = x[i] - meanX;
            var dy = y[i] - meanY;
            covariance += dx * dy;
            varianceX += dx * dx;
            varianceY += dy * dy;
        }

        return varianceX == 0 || varianceY == 0 ? 0 : covariance / Math.Sqrt(varianceX * varianceY);
    }

    private static double Accuracy(ReadOnlySpan<double> expected, ReadOnlySpan<double> predicted)
    {
        if (expected.Length == 0)
        {
            return 0;
        }

        var hits = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (SentimentLabels.ToPolarity(expected[i]) == SentimentLabels.ToPolarity(predicted[i]))
            {
                hits++;
            }
        }

        return (double)hits / expected.Length;
    }

    private static double WeightedF1(ReadOnlySpan<double> expected, ReadOnlySpan<double> predicted)
    {
        const int classes = 3;
        Span<int> truePositives = stackalloc int[classes];
        Span<int> actual = stackalloc int[classes];
        Span<int> guessed = stackalloc int[classes];
        for (var i = 0; i < expected.Length; i++)
        {
            var truth = (int)SentimentLabels.ToPolarity(expected[i]);
            var guess = (int)SentimentLabels.ToPolarity(predicted[i]);
            actual[truth]++;
            guessed[guess]++;
            if (truth == guess)
            {
                truePositives[truth]++;
            }
        }

        double weighted = 0;
        for (var c = 0; c < classes; c++)
        {
            // F1 = 2TP / (|actual| + |guessed|); a class nobody has and nobody guessed contributes nothing.
            var denominator = actual[c] + guessed[c];
            if (denominator > 0)
            {
                weighted += actual[c] * (2.0 * truePositives[c] / denominator);
            }
        }

        return expected.Length == 0 ? 0 : weighted / expected.Length;
    }
}
