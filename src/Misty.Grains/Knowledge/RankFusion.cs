namespace Misty.Grains.Knowledge;

/// <summary>
/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): an item scores the sum over the rankings it
/// appears in of weight / (k + rank), rank counted from 1. Ranks, not raw scores, are combined, so a cosine and a
/// ts_rank_cd need no common scale. The paper's k is 60; a smaller k keeps more of the difference between the top
/// ranks, which matters when one ranking (here the vector one) is much better than the other.
/// </summary>
public static class RankFusion
{
    public const int PaperK = 60;

    public static IReadOnlyList<(SourceKey Source, double Score)> Fuse(int k, params IReadOnlyList<(IReadOnlyList<SourceKey> Ranking, double Weight)> rankings)
    {
        var scores = new Dictionary<SourceKey, double>();
        foreach (var (ranking, weight) in rankings)
        {
            for (var i = 0; i < ranking.Count; i++)
            {
                scores[ranking[i]] = scores.GetValueOrDefault(ranking[i]) + weight / (k + i + 1);
            }
        }

        return scores.OrderByDescending(entry => entry.Value).Select(entry => (entry.Key, entry.Value)).ToList();
    }
}
