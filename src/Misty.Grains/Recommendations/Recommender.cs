namespace Misty.Grains.Recommendations;

/// <summary>
/// The engine: item-item similarity over a customer's recent purchases, blended with recency-weighted popularity
/// so that customers with a thin history (or none before the cutoff) still get what is selling now.
/// </summary>
public sealed class Recommender : IItemScorer
{
    private readonly PurchaseHistory _history;
    private readonly RecommenderOptions _options;
    private readonly float[] _popularity;

    public Recommender(PurchaseHistory history, RecommenderOptions options)
    {
        _history = history;
        _options = options;
        Similarity = new ItemSimilarityScorer(history, options.Similarity, "item-similarity");
        var trending = new PopularityScorer(history, "trending", options.PopularityHalfLifeDays);
        _popularity = Normalised(trending.Scores);
    }

    public string Name => RecommendationEvaluation.EngineName;

    public ItemSimilarityScorer Similarity { get; }

    /// <summary>Recency-weighted popularity scaled to [0, 1].</summary>
    public ReadOnlySpan<float> Popularity => _popularity;

    public void Score(int customer, Span<float> scores) =>
        Score(_history.CustomerItems[customer], _history.CustomerItemAgeDays[customer], scores);

    /// <summary>Scores for any history (item indexes of this model, days since each purchase), e.g. a customer's after a new order.</summary>
    public void Score(ReadOnlySpan<int> items, ReadOnlySpan<float> ages, Span<float> scores)
    {
        Similarity.Score(items, ages, scores);
        var max = 0f;
        foreach (var score in scores)
        {
            max = Math.Max(max, score);
        }

        var scale = max > 0 ? 1f / max : 0f;
        var weight = (float)_options.PopularityWeight;
        for (var j = 0; j < scores.Length; j++)
        {
            scores[j] = scores[j] * scale + weight * _popularity[j];
        }
    }

    private static float[] Normalised(ReadOnlySpan<float> values)
    {
        var max = 0f;
        foreach (var value in values)
        {
            max = Math.Max(max, value);
        }

        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = max > 0 ? values[i] / max : 0;
        }

        return result;
    }
}

/// <param name="Similarity">How co-purchases become item-item similarity.</param>
/// <param name="PopularityHalfLifeDays">Half-life of a purchase in the popularity term.</param>
/// <param name="PopularityWeight">Weight of popularity (scaled to [0, 1]) next to the similarity score (scaled to [0, 1] per customer).</param>
public sealed record RecommenderOptions(ItemSimilarityOptions Similarity, double PopularityHalfLifeDays, double PopularityWeight)
{
    /// <summary>Tuned on held-out months of the retail transactions; see docs/benchmarks.md.</summary>
    public static RecommenderOptions Default { get; } = new(
        new ItemSimilarityOptions(Alpha: 0.5, PopularityPenalty: 0.3, CustomerWeightExponent: 0.5, Shrink: 30, HistoryHalfLifeDays: 60,
            CoPurchaseHalfLifeDays: 60),
        PopularityHalfLifeDays: 14,
        PopularityWeight: 0.3);
}
