namespace Misty.Grains.Knowledge;

/// <summary>
/// Puts the kinds of items on one scale before they are ranked together. How similar a question is to the items of a
/// kind depends on the kind as much as on the question: case conversations and reviews are written like questions,
/// so every one of them sits closer to a question than an album listing or a policy does, and a kind of many items
/// has a high best score by numbers alone. Each item's cosine is taken relative to the mean of its kind's best
/// <see cref="Reference"/> cosines for the same question (score normalisation per collection, as in federated search):
/// an item ranks high when it stands out from its own kind. The order within a kind is unchanged.
/// </summary>
public static class KindCentering
{
    /// <summary>
    /// How many of a kind's best items make its reference level (all of them when it has fewer): the whole depth each
    /// kind is read to, so the level is the kind's typical similarity and not that of its few near matches. Chosen on
    /// one half of the development set and confirmed on the other (docs/benchmarks.md).
    /// </summary>
    public const int Reference = HybridSearch.Depth;

    /// <param name="byKind">Per kind, its best items by cosine, best first.</param>
    /// <returns>The <paramref name="take"/> best items of all kinds by centred score, best first.</returns>
    public static IReadOnlyList<VectorMatch> Rank(IEnumerable<IReadOnlyList<VectorMatch>> byKind, int take) =>
        byKind.Where(matches => matches.Count > 0)
            .SelectMany(matches =>
            {
                var level = matches.Take(Reference).Average(match => match.Similarity);
                return matches.Select(match => (Match: match, Score: match.Similarity - level));
            })
            .OrderByDescending(item => item.Score)
            .Take(take)
            .Select(item => item.Match)
            .ToList();
}
