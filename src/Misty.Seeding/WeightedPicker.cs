namespace Misty.Seeding;

/// <summary>
/// Weighted random choice among items that become available over time (customers who have joined, albums in the
/// catalogue): items are sorted by availability, so the eligible ones are a prefix found by binary search, and a pick
/// is a binary search in the cumulative weights. Both are O(log n), which keeps 50,000 orders cheap.
/// </summary>
internal sealed class WeightedPicker<T>
{
    private readonly T[] _items;
    private readonly DateTime[] _availableFrom;
    private readonly double[] _cumulative;

    public WeightedPicker(IEnumerable<(T Item, DateTime AvailableFrom, double Weight)> entries)
    {
        var sorted = entries.OrderBy(entry => entry.AvailableFrom).ToArray();
        _items = sorted.Select(entry => entry.Item).ToArray();
        _availableFrom = sorted.Select(entry => entry.AvailableFrom).ToArray();
        _cumulative = new double[sorted.Length];
        var running = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            running += sorted[i].Weight;
            _cumulative[i] = running;
        }
    }

    public bool TryPick(SeedRandom random, DateTime at, out T item)
    {
        var eligible = CountAvailable(at);
        if (eligible == 0 || _cumulative[eligible - 1] <= 0)
        {
            item = default!;
            return false;
        }

        var target = random.Double() * _cumulative[eligible - 1];
        var index = Array.BinarySearch(_cumulative, 0, eligible, target);
        // BinarySearch returns the complement of the first larger element when there is no exact match.
        item = _items[Math.Min(index < 0 ? ~index : index + 1, eligible - 1)];
        return true;
    }

    private int CountAvailable(DateTime at)
    {
        int low = 0, high = _availableFrom.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_availableFrom[middle] <= at)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
