namespace Misty.Grains.Recommendations;

/// <summary>
/// Who bought what before a cutoff, indexed for the scorers. A customer "bought" an item when their net quantity
/// of it before the cutoff is positive, so a sale cancelled or returned in full does not count. Every customer in
/// the input is indexed, even one whose lines are all at or after the cutoff (they have an empty history).
/// </summary>
public sealed class PurchaseHistory
{
    private readonly Dictionary<string, int> _customerIndex;
    private readonly Dictionary<string, int> _itemIndex;

    private PurchaseHistory(
        DateTimeOffset cutoff, string[] customerIds, Dictionary<string, int> customerIndex, string[] itemIds,
        Dictionary<string, int> itemIndex, int[][] items, float[][] ages)
    {
        Cutoff = cutoff;
        CustomerIds = customerIds;
        _customerIndex = customerIndex;
        ItemIds = itemIds;
        _itemIndex = itemIndex;
        CustomerItems = items;
        CustomerItemAgeDays = ages;
    }

    public DateTimeOffset Cutoff { get; }

    public IReadOnlyList<string> CustomerIds { get; }

    public IReadOnlyList<string> ItemIds { get; }

    /// <summary>Per customer, the items bought (ascending item index).</summary>
    public int[][] CustomerItems { get; }

    /// <summary>Per customer and bought item, days from the last purchase of it to the cutoff.</summary>
    public float[][] CustomerItemAgeDays { get; }

    public int CustomerCount => CustomerIds.Count;

    public int ItemCount => ItemIds.Count;

    public bool TryGetCustomer(string customerId, out int customer) => _customerIndex.TryGetValue(customerId, out customer);

    public bool TryGetItem(string itemId, out int item) => _itemIndex.TryGetValue(itemId, out item);

    public static PurchaseHistory Build(IEnumerable<PurchaseLine> lines, DateTimeOffset cutoff)
    {
        var customerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var customerIds = new List<string>();
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemIds = new List<string>();
        var pairs = new Dictionary<long, (double Net, DateTimeOffset Last)>();
        foreach (var line in lines)
        {
            if (!customerIndex.TryGetValue(line.CustomerId, out var customer))
            {
                customer = customerIds.Count;
                customerIndex[line.CustomerId] = customer;
                customerIds.Add(line.CustomerId);
            }

            if (line.Timestamp >= cutoff)
            {
                continue;
            }

            if (!itemIndex.TryGetValue(line.ItemId, out var item))
            {
                item = itemIds.Count;
                itemIndex[line.ItemId] = item;
                itemIds.Add(line.ItemId);
            }

            var key = ((long)customer << 32) | (uint)item;
            pairs.TryGetValue(key, out var pair);
            var last = line.Quantity > 0 && (pair.Net == 0 && pair.Last == default || line.Timestamp > pair.Last) ? line.Timestamp : pair.Last;
            pairs[key] = (pair.Net + line.Quantity, last);
        }

        var perCustomer = new List<(int Item, float Age)>[customerIds.Count];
        foreach (var (key, pair) in pairs)
        {
            if (pair.Net <= 0 || pair.Last == default)
            {
                continue;
            }

            var customer = (int)(key >> 32);
            var item = (int)(key & 0xFFFFFFFF);
            (perCustomer[customer] ??= []).Add((item, (float)Math.Max(0, (cutoff - pair.Last).TotalDays)));
        }

        var items = new int[customerIds.Count][];
        var ages = new float[customerIds.Count][];
        for (var c = 0; c < customerIds.Count; c++)
        {
            var bought = perCustomer[c];
            if (bought is null)
            {
                items[c] = [];
                ages[c] = [];
                continue;
            }

            bought.Sort((a, b) => a.Item.CompareTo(b.Item));
            items[c] = bought.Select(b => b.Item).ToArray();
            ages[c] = bought.Select(b => b.Age).ToArray();
        }

        return new PurchaseHistory(cutoff, customerIds.ToArray(), customerIndex, itemIds.ToArray(), itemIndex, items, ages);
    }
}
