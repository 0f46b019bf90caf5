namespace Misty.Grains.Recommendations;

/// <summary>What the storefront list needs to know of an album.</summary>
public sealed record AlbumFacts(string Title, string Artist, string? Genre, bool InStock);

/// <summary>One row of a customer's list: score 0-100 and a reason a person understands.</summary>
public sealed record AlbumSuggestion(Guid AlbumId, decimal Score, string Reason);

/// <summary>
/// Turns the engine's scores into the storefront list: nothing already bought or out of stock, at most
/// <see cref="MaxPerArtist"/> albums of one artist in every ten, and a reason for each ("because you bought ...").
/// </summary>
public sealed class AlbumSuggestions
{
    public const int MaxPerArtist = 2;

    /// <summary>How many suggestions the list is filled to; the API returns any prefix of it.</summary>
    public const int ListLength = 20;

    private readonly PurchaseHistory _history;
    private readonly Recommender _recommender;

    // By the model's item index, so that the per-customer pass looks nothing up by text: the album's facts (null when
    // it is not in the catalogue) and its id.
    private readonly AlbumFacts?[] _facts;
    private readonly Guid[] _ids;

    public AlbumSuggestions(PurchaseHistory history, Recommender recommender, IReadOnlyDictionary<string, AlbumFacts> albums)
    {
        (_history, _recommender) = (history, recommender);
        _facts = new AlbumFacts?[history.ItemCount];
        _ids = new Guid[history.ItemCount];
        for (var item = 0; item < history.ItemCount; item++)
        {
            _facts[item] = albums.GetValueOrDefault(history.ItemIds[item]);
            _ids[item] = Guid.TryParse(history.ItemIds[item], out var id) ? id : Guid.Empty;
        }
    }

    public IReadOnlyList<AlbumSuggestion> For(int customer, Span<float> scores) =>
        For(_history.CustomerItems[customer], _history.CustomerItemAgeDays[customer], scores);

    /// <param name="items">The customer's purchases as item indexes of the model, ascending.</param>
    /// <param name="ages">Days since each of those purchases.</param>
    /// <param name="scores">Scratch space of the model's item count.</param>
    public IReadOnlyList<AlbumSuggestion> For(int[] items, float[] ages, Span<float> scores)
    {
        _recommender.Score(items, ages, scores);
        // A generous pool, so the artist rule and the stock filter still leave a full list.
        var pool = TopItems.Select(scores, ListLength * 5, items, _recommender.Popularity, item => _facts[item] is { InStock: true });
        var perArtist = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var chosen = new List<AlbumSuggestion>(ListLength);
        var best = pool.Count == 0 ? 1f : Math.Max(pool[0].Score, float.Epsilon);
        foreach (var candidate in pool)
        {
            var facts = _facts[candidate.Item]!;
            // The artist rule holds per block of ten: positions 1-10, 11-20.
            var block = chosen.Count / 10;
            var key = $"{block}\u0001{facts.Artist}";
            if (perArtist.GetValueOrDefault(key) >= MaxPerArtist)
            {
                continue;
            }

            perArtist[key] = perArtist.GetValueOrDefault(key) + 1;
            var score = Math.Round((decimal)(candidate.Score / best) * 100m, 2);
            chosen.Add(new AlbumSuggestion(_ids[candidate.Item], Math.Clamp(score, 0m, 100m), Reason(items, ages, candidate.Item, facts)));
            if (chosen.Count == ListLength)
            {
                break;
            }
        }

        return chosen;
    }

    private string Reason(int[] items, float[] ages, int item, AlbumFacts facts)
    {
        var (because, strongest) = (-1, 0f);
        for (var k = 0; k < items.Length; k++)
        {
            var contribution = _recommender.Similarity.HistoryWeight(ages[k]) * _recommender.Similarity.Similarity(items[k], item);
            if (contribution > strongest)
            {
                (because, strongest) = (items[k], contribution);
            }
        }

        if (because >= 0 && _facts[because] is { } bought)
        {
            return $"Because you bought {bought.Title} by {bought.Artist}";
        }

        return facts.Genre is { Length: > 0 } genre
            ? $"Popular with {genre} collectors this month"
            : "Popular with our customers this month";
    }
}
