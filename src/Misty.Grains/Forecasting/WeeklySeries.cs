namespace Misty.Grains.Forecasting;

/// <summary>An item's net weekly demand, oldest week first, the last week ending at the cutoff.</summary>
/// <param name="Weeks">Net quantity per week (returns and cancellations netted), never below zero.</param>
public sealed record WeeklySeries(string ItemId, double[] Weeks);

/// <summary>
/// Buckets sales lines into the 7-day weeks ending at a cutoff. Lines at or after the cutoff are ignored. An item's
/// series starts at the week of its first sale (a positive line), since before its launch it had no demand to
/// learn from; items whose lines are all returns or adjustments have no series.
/// </summary>
public static class WeeklySeriesBuilder
{
    private static readonly long WeekTicks = TimeSpan.FromDays(7).Ticks;

    public static IReadOnlyList<WeeklySeries> Build(IEnumerable<SaleLine> lines, DateTimeOffset cutoff)
    {
        var byItem = new Dictionary<string, Dictionary<int, double>>(StringComparer.Ordinal);
        var firstSale = new Dictionary<string, int>(StringComparer.Ordinal);
        var cutoffTicks = cutoff.UtcTicks;
        foreach (var line in lines)
        {
            var ticks = line.Timestamp.UtcTicks;
            if (ticks >= cutoffTicks)
            {
                continue;
            }

            // Week 0 is the last week before the cutoff, 1 the one before it, and so on.
            var weeksBack = (int)((cutoffTicks - 1 - ticks) / WeekTicks);
            if (!byItem.TryGetValue(line.ItemId, out var weeks))
            {
                weeks = [];
                byItem[line.ItemId] = weeks;
            }

            weeks[weeksBack] = weeks.GetValueOrDefault(weeksBack) + line.Quantity;
            if (line.Quantity > 0 && (!firstSale.TryGetValue(line.ItemId, out var oldest) || weeksBack > oldest))
            {
                firstSale[line.ItemId] = weeksBack;
            }
        }

        var series = new List<WeeklySeries>(firstSale.Count);
        foreach (var (item, oldest) in firstSale)
        {
            var weeks = byItem[item];
            var values = new double[oldest + 1];
            for (var back = 0; back <= oldest; back++)
            {
                values[oldest - back] = Math.Max(0, weeks.GetValueOrDefault(back));
            }

            series.Add(new WeeklySeries(item, values));
        }

        series.Sort((a, b) => string.CompareOrdinal(a.ItemId, b.ItemId));
        return series;
    }
}
