namespace Misty.Grains.Recommendations;

/// <summary>Hit rate@k and recall@k of one scorer on one time split.</summary>
public sealed record EvaluationResult(string Scorer, int Customers, double HitRate, double Recall);

/// <summary>
/// The offline test the recommender is graded by: fit on everything before a cutoff, then for each customer with a
/// history before it, check the k suggestions against the items they bought for the first time in the window after.
/// </summary>
public static class RecommendationEvaluation
{
    /// <summary>Per customer index of <paramref name="history"/>, the items first bought in [cutoff, cutoff + window).</summary>
    public static Dictionary<int, HashSet<string>> NewPurchases(PurchaseHistory history, IEnumerable<PurchaseLine> lines, TimeSpan window)
    {
        var end = history.Cutoff + window;
        var net = new Dictionary<(int Customer, string Item), double>();
        foreach (var line in lines)
        {
            if (line.Timestamp < history.Cutoff || line.Timestamp >= end || !history.TryGetCustomer(line.CustomerId, out var customer))
            {
                continue;
            }

            net[(customer, line.ItemId)] = net.GetValueOrDefault((customer, line.ItemId)) + line.Quantity;
        }

        var result = new Dictionary<int, HashSet<string>>();
        foreach (var ((customer, item), quantity) in net)
        {
            var bought = history.CustomerItems[customer];
            if (quantity <= 0 || bought.Length == 0
                || history.TryGetItem(item, out var index) && Array.BinarySearch(bought, index) >= 0)
            {
                continue;
            }

            if (!result.TryGetValue(customer, out var items))
            {
                result[customer] = items = [];
            }

            items.Add(item);
        }

        return result;
    }

    public const string EngineName = "misty";

    public static EvaluationResult Evaluate(
        PurchaseHistory history, IItemScorer scorer, IReadOnlyDictionary<int, HashSet<string>> truth, int k, ReadOnlySpan<float> tieBreak)
    {
        var customers = truth.Keys.ToArray();
        var hits = new int[customers.Length];
        var tie = tieBreak.ToArray();
        Parallel.For(0, customers.Length, () => new float[history.ItemCount], (index, _, scores) =>
        {
            var customer = customers[index];
            scorer.Score(customer, scores);
            var top = TopItems.Select(scores, k, history.CustomerItems[customer], tie);
            var expected = truth[customer];
            hits[index] = top.Count(t => expected.Contains(history.ItemIds[t.Item]));
            return scores;
        }, _ => { });

        var hitRate = customers.Length == 0 ? 0 : hits.Count(h => h > 0) / (double)customers.Length;
        var recall = customers.Length == 0 ? 0 : customers.Select((c, i) => hits[i] / (double)truth[c].Count).Average();
        return new EvaluationResult(scorer.Name, customers.Length, hitRate, recall);
    }

    /// <summary>
    /// The engine and the three baselines it is graded against (all-time popularity, last-30-days popularity and
    /// item-kNN with cosine similarity), fitted before <paramref name="cutoff"/> and scored on the window after it.
    /// </summary>
    public static IReadOnlyList<EvaluationResult> CompareWithBaselines(
        IReadOnlyList<PurchaseLine> lines, DateTimeOffset cutoff, TimeSpan window, int k, RecommenderOptions options)
    {
        var history = PurchaseHistory.Build(lines, cutoff);
        var truth = NewPurchases(history, lines, window);
        var allTime = new PopularityScorer(history, "all-time popularity");
        var engine = new Recommender(history, options);
        return
        [
            Evaluate(history, allTime, truth, k, allTime.Scores),
            Evaluate(history, new PopularityScorer(history, "last-30-days popularity", windowDays: 30), truth, k, allTime.Scores),
            Evaluate(history, new ItemSimilarityScorer(history, new ItemSimilarityOptions(), "item-kNN (cosine)"), truth, k, allTime.Scores),
            Evaluate(history, engine, truth, k, engine.Popularity),
        ];
    }
}
