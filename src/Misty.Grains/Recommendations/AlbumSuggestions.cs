namespace Misty.Grains.Recommendations;

/// <summary>What the storefront list needs to know of an album.</summary>
public sealed record AlbumFacts(string Title, string Artist, string? Genre, bool InStock);

/// <summary>One row of a customer's list: score 0-100 and a reason a person understands.</summary>
public sealed record AlbumSuggestion(Guid AlbumId, decimal Score, string Reason);

/// <summary>
/// Turns the engine's scores into the storefront list: nothing already bought or out of stock, at most
/// <see cref="MaxPerArtist"/> albums of one artist in every ten, and a reason for each ("because you bought ...").
/// </summary>
public sealed class AlbumSuggestions(PurchaseHistory history, Recommender recommender, IReadOnlyDictionary<string, AlbumFacts> albums)
{
    public const int MaxPerArtist = 2;

    /// <summary>How many suggestions the list is filled to; the API returns any prefix of it.</summary>
    public const int ListLength = 20;

    public IReadOnlyList<AlbumSuggestion> For(int customer, Span<float> scores) =>
        For(history.CustomerItems[customer], history.CustomerItemAgeDays[customer], scores);

    /// <param name="items">The customer's purchases as item indexes of the model, ascending.</param>
    /// <param name="ages">Days since each of those purchases.</param>
    /// <param name="scores">Scratch space of the model's item count.</param>
    public IReadOnlyList<AlbumSuggestion> For(int[] items, float[] ages, Span<float> scores)
    {
        recommender.Score(items, ages, scores);
        // A generous pool, so the artist rule and the stock filter still leave a full list.
        var pool = TopItems.Select(scores, ListLength * 5, items, recommender.Popularity,
            item => albums.TryGetValue(history.ItemIds[item], out var facts) && facts.InStock);
        var perArtist = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var chosen = new List<AlbumSuggestion>(ListLength);
        var best = pool.Count == 0 ? 1f : Math.Max(pool[0].Score, float.Epsilon);
        foreach (var candidate in pool)
        {
            var facts = albums[history.ItemIds[candidate.Item]];
            // The artist rule holds per block of ten: positions 1-10, 11-20.
            var block = chosen.Count / 10;
            var key = $"{block}\u0001{facts.Artist}";
            if (perArtist.GetValueOrDefault(key) >= MaxPerArtist)
            {
                continue;
            }

            perArtist[key] = perArtist.GetValueOrDefault(key) + 1;
            var score = Math.Round((decimal)(candidate.Score / best) * 100m, 2);
            chosen.Add(new AlbumSuggestion(Guid.Parse(history.ItemIds[candidate.Item]), Math.Clamp(score, 0m, 100m), Reason(items, ages, candidate.Item, facts)));
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
            var contribution = recommender.Similarity.HistoryWeight(ages[k]) * recommender.Similarity.Similarity(items[k], item);
            if (contribution > strongest)
            {
                (because, strongest) = (items[k], contribution);
            }
        }

        if (because >= 0 && albums.TryGetValue(history.ItemIds[because], out var bought))
        {
            return $"Because you bought {bought.Title} by {bought.Artist}";
        }

        return facts.Genre is { Length: > 0 } genre
            ? $"Popular with {genre} collectors this month"
            : "Popular with our customers this month";
    }
}
