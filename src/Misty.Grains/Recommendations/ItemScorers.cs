using System.Numerics;

namespace Misty.Grains.Recommendations;

/// <summary>Scores every item for one customer of a <see cref="PurchaseHistory"/>; higher is a better suggestion.</summary>
public interface IItemScorer
{
    string Name { get; }

    void Score(int customer, Span<float> scores);
}

/// <summary>
/// How many customers bought each item, each counted with weight 0.5^(days since their last purchase / half-life),
/// only within the window when one is given. Without either it is plain all-time popularity.
/// </summary>
public sealed class PopularityScorer : IItemScorer
{
    private readonly float[] _scores;

    public PopularityScorer(PurchaseHistory history, string name, double? halfLifeDays = null, double? windowDays = null)
    {
        Name = name;
        _scores = new float[history.ItemCount];
        for (var c = 0; c < history.CustomerCount; c++)
        {
            var items = history.CustomerItems[c];
            var ages = history.CustomerItemAgeDays[c];
            for (var k = 0; k < items.Length; k++)
            {
                if (windowDays is { } window && ages[k] >= window)
                {
                    continue;
                }

                _scores[items[k]] += halfLifeDays is { } halfLife ? (float)Math.Pow(0.5, ages[k] / halfLife) : 1f;
            }
        }
    }

    public string Name { get; }

    public ReadOnlySpan<float> Scores => _scores;

    public void Score(int customer, Span<float> scores) => _scores.CopyTo(scores);
}

/// <summary>
/// Item-item similarity from co-purchases: score(j) = sum over the customer's items i of w(i) * sim(i, j).
/// sim is cosine on who bought what (asymmetric when <see cref="ItemSimilarityOptions.Alpha"/> is not 0.5);
/// w(i) decays with the age of the customer's purchase of i when a half-life is given.
/// </summary>
public sealed class ItemSimilarityScorer : IItemScorer
{
    private readonly PurchaseHistory _history;
    private readonly ItemSimilarityOptions _options;
    private readonly int _n;

    // Dense row-major n x n: a few thousand items fit (5,000 items take 100 MB) and rows add with SIMD.
    private readonly float[] _similarity;

    public ItemSimilarityScorer(PurchaseHistory history, ItemSimilarityOptions options, string name)
    {
        _history = history;
        _options = options;
        _n = history.ItemCount;
        Name = name;
        _similarity = Build(history, options);
    }

    public string Name { get; }

    public float Similarity(int from, int to) => _similarity[(long)from * _n + to];

    public void Score(int customer, Span<float> scores) =>
        Score(_history.CustomerItems[customer], _history.CustomerItemAgeDays[customer], scores);

    /// <summary>Scores for any history (item indexes of this model, days since each purchase).</summary>
    public void Score(ReadOnlySpan<int> items, ReadOnlySpan<float> ages, Span<float> scores)
    {
        scores.Clear();
        for (var k = 0; k < items.Length; k++)
        {
            var weight = HistoryWeight(ages[k]);
            AddScaled(scores, _similarity.AsSpan((int)((long)items[k] * _n), _n), weight);
        }
    }

    /// <summary>The weight of a purchase made that many days before the cutoff.</summary>
    public float HistoryWeight(float ageDays) =>
        _options.HistoryHalfLifeDays is { } halfLife ? (float)Math.Pow(0.5, ageDays / halfLife) : 1f;

    private static void AddScaled(Span<float> target, ReadOnlySpan<float> row, float weight)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<float>(weight);
            for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(target[i..]) + new Vector<float>(row[i..]) * w).CopyTo(target[i..]);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] += row[i] * weight;
        }
    }

    private static float[] Build(PurchaseHistory history, ItemSimilarityOptions options)
    {
        var n = history.ItemCount;
        var co = new float[(long)n * n];
        var counts = new float[n];
        for (var c = 0; c < history.CustomerCount; c++)
        {
            var items = history.CustomerItems[c];
            if (items.Length == 0)
            {
                continue;
            }

            // Customers who buy half the catalogue say little about which two items go together.
            var weight = options.CustomerWeightExponent == 0 ? 1f : (float)Math.Pow(items.Length, -options.CustomerWeightExponent);
            // Tastes and seasons move: last year's co-purchases say less about next month than this month's. A pair
            // fades with its older purchase, and 0.5^(max age / h) is the smaller of the two items' own decays.
            var ages = history.CustomerItemAgeDays[c];
            var decay = new float[items.Length];
            for (var a = 0; a < items.Length; a++)
            {
                decay[a] = options.CoPurchaseHalfLifeDays is { } halfLife ? weight * MathF.Pow(0.5f, ages[a] / (float)halfLife) : weight;
            }

            for (var a = 0; a < items.Length; a++)
            {
                var row = (long)items[a] * n;
                counts[items[a]] += 1;
                var own = decay[a];
                for (var b = a + 1; b < items.Length; b++)
                {
                    co[row + items[b]] += MathF.Min(own, decay[b]);
                }
            }
        }

        // Fill the lower triangle from the upper one and normalise: sim(i, j) = co(i, j) / (n_i^alpha * n_j^(1 - alpha)).
        var left = new float[n];
        var right = new float[n];
        for (var i = 0; i < n; i++)
        {
            left[i] = counts[i] > 0 ? (float)Math.Pow(counts[i], options.Alpha) : 1f;
            right[i] = counts[i] > 0 ? (float)Math.Pow(counts[i], 1 - options.Alpha + options.PopularityPenalty) : 1f;
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var value = co[(long)i * n + j];
                co[(long)j * n + i] = value;
            }
        }

        for (var i = 0; i < n; i++)
        {
            var row = (long)i * n;
            for (var j = 0; j < n; j++)
            {
                co[row + j] = i == j ? 0 : co[row + j] / (left[i] * right[j] + options.Shrink);
            }
        }

        return co;
    }
}

/// <param name="Alpha">0.5 is cosine; higher favours items bought by few customers less.</param>
/// <param name="PopularityPenalty">Extra exponent on the suggested item's customer count (RP3beta-style).</param>
/// <param name="CustomerWeightExponent">Each customer's co-purchases count 1 / (items bought)^exponent.</param>
/// <param name="Shrink">Added to the denominator so pairs seen a few times do not dominate.</param>
/// <param name="HistoryHalfLifeDays">Older purchases count less in a customer's score; null weighs all alike.</param>
/// <param name="CoPurchaseHalfLifeDays">A co-purchase counts 0.5^(age of its older purchase / half-life); null counts all alike.</param>
public sealed record ItemSimilarityOptions(
    double Alpha = 0.5,
    double PopularityPenalty = 0,
    double CustomerWeightExponent = 0,
    float Shrink = 0,
    double? HistoryHalfLifeDays = null,
    double? CoPurchaseHalfLifeDays = null);
