namespace Misty.Grains.Recommendations;

/// <summary>One suggestion: the item index in the <see cref="PurchaseHistory"/> and its score.</summary>
public readonly record struct ScoredItem(int Item, float Score);

public static class TopItems
{
    /// <summary>
    /// The k best items by score, best first, leaving out <paramref name="excluded"/> (ascending item indexes) and any
    /// item <paramref name="allowed"/> rejects. Ties go to the lower <paramref name="tieBreak"/> rank, then the lower index.
    /// </summary>
    public static List<ScoredItem> Select(
        ReadOnlySpan<float> scores, int k, ReadOnlySpan<int> excluded, ReadOnlySpan<float> tieBreak = default, Func<int, bool>? allowed = null)
    {
        // A min-heap of the k best so far: one pass over a few thousand items, no full sort.
        var heap = new PriorityQueue<ScoredItem, (float Score, float Tie, int NegIndex)>(k + 1);
        var next = 0;
        for (var j = 0; j < scores.Length; j++)
        {
            while (next < excluded.Length && excluded[next] < j)
            {
                next++;
            }

            if (next < excluded.Length && excluded[next] == j)
            {
                continue;
            }

            var priority = (scores[j], tieBreak.IsEmpty ? 0f : tieBreak[j], -j);
            if (heap.Count == k)
            {
                heap.TryPeek(out _, out var worst);
                if (priority.CompareTo(worst) <= 0)
                {
                    continue;
                }
            }

            if (allowed is not null && !allowed(j))
            {
                continue;
            }

            if (heap.Count == k)
            {
                heap.Dequeue();
            }

            heap.Enqueue(new ScoredItem(j, scores[j]), priority);
        }

        var result = new List<ScoredItem>(heap.Count);
        while (heap.Count > 0)
        {
            result.Add(heap.Dequeue());
        }

        result.Reverse();
        return result;
    }

    /// <summary>k suggestions for every customer of <paramref name="history"/> (in its order), none already bought.</summary>
    public static List<ScoredItem>[] ForAllCustomers(PurchaseHistory history, IItemScorer scorer, int k, float[] tieBreak)
    {
        var result = new List<ScoredItem>[history.CustomerCount];
        Parallel.For(0, history.CustomerCount, () => new float[history.ItemCount], (customer, _, scores) =>
        {
            scorer.Score(customer, scores);
            result[customer] = Select(scores, k, history.CustomerItems[customer], tieBreak);
            return scores;
        }, _ => { });
        return result;
    }
}
