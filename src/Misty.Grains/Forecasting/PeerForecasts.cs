namespace Misty.Grains.Forecasting;

/// <summary>An item to forecast and the peer group it belongs to (an album's genre).</summary>
public sealed record PeerItem(string ItemId, string? PeerGroup);

/// <summary>
/// Forecasts for items without a sale yet: each week's point and bounds are the median of its peers' (same group, or
/// every forecast item when the group has none), since a new record tends to sell like the others of its kind.
/// </summary>
public static class PeerForecasts
{
    public const string ModelName = "peer-median";

    public static IReadOnlyList<ItemForecast> Complete(IReadOnlyList<ItemForecast> forecasts, IReadOnlyList<PeerItem> items, int horizon)
    {
        var byId = forecasts.ToDictionary(f => f.ItemId, StringComparer.Ordinal);
        var groups = items.Where(i => byId.ContainsKey(i.ItemId) && i.PeerGroup is not null)
            .GroupBy(i => i.PeerGroup!, i => byId[i.ItemId], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var result = new List<ItemForecast>(items.Count);
        foreach (var item in items)
        {
            if (byId.TryGetValue(item.ItemId, out var own))
            {
                result.Add(own);
                continue;
            }

            var (peers, name) = item.PeerGroup is not null && groups.TryGetValue(item.PeerGroup, out var group)
                ? (group, $"group {item.PeerGroup}")
                : (forecasts, "all items");
            result.Add(Borrow(item.ItemId, peers, name, horizon));
        }

        return result;
    }

    private static ItemForecast Borrow(string itemId, IReadOnlyList<ItemForecast> peers, string name, int horizon)
    {
        var (point, lower, upper) = (new double[horizon], new double[horizon], new double[horizon]);
        for (var h = 0; h < horizon; h++)
        {
            point[h] = Median(peers, f => f.Point[h]);
            lower[h] = Math.Min(point[h], Median(peers, f => f.Lower[h]));
            upper[h] = Math.Max(Math.Max(point[h], Median(peers, f => f.Upper[h])), h == 0 ? 0 : upper[h - 1]);
        }

        var zeroShare = Median(peers, f => f.Explanation.ZeroShare);
        var explanation = new ForecastExplanation(ModelName, point[0], [], peers.Count == 0 ? 1 : zeroShare, "peers", $"{name} ({peers.Count} with history)");
        return new ItemForecast(itemId, point, lower, upper, explanation);
    }

    private static double Median(IReadOnlyList<ItemForecast> peers, Func<ItemForecast, double> value)
    {
        if (peers.Count == 0)
        {
            return 0;
        }

        var values = peers.Select(value).Order().ToArray();
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
