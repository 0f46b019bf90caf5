namespace Misty.Seeding;

/// <summary>
/// The stock of every album through the history, kept as the append-only ledger the schema has: every change of
/// quantity is an inventory transaction, so each inventory row's quantity is exactly the sum of its transactions and
/// never goes below zero on the way. Future movements (supplier deliveries, returns of cancelled orders, stock-count
/// corrections) wait in a time-ordered queue until the simulation reaches them; those still in flight at the anchor
/// have not happened yet and are dropped.
/// </summary>
internal sealed class InventoryLedger
{
    // Average lines per order times average quantity: turns the order count into expected units sold.
    private const double UnitsPerOrder = 1.9;
    private const double AdjustmentShare = 0.04;

    private readonly SeedOptions _options;
    private readonly IReadOnlyList<CatalogAlbum> _albums;
    private readonly IReadOnlyList<AlbumSupply?> _supply;
    private readonly Staff _staff;
    private readonly SeedRandom _random;
    private readonly StockPolicy[] _policies;
    private readonly AlbumStock[] _stock;
    private readonly PriorityQueue<StockMovement, (DateTime At, long Sequence)> _scheduled = new();
    private readonly List<InventoryTransactionRow> _transactions = [];
    private long _sequence;

    public InventoryLedger(SeedOptions options, Catalog catalog, Supply supply, Staff staff)
    {
        _options = options;
        _albums = catalog.Albums;
        _supply = supply.ByAlbum;
        _staff = staff;
        _random = new SeedRandom(options.Seed, SeedStream.Inventory);
        var totalPopularity = _albums.Sum(album => album.Popularity);
        _policies = _albums.Select(album => Policy(album, album.Popularity / totalPopularity)).ToArray();
        _stock = _albums.Select(_ => new AlbumStock(_random.NextGuid())).ToArray();
        for (var album = 0; album < _albums.Count; album++)
        {
            ScheduleOpeningStock(album);
            ScheduleStockCountCorrection(album);
        }
    }

    public int Available(int album) => _stock[album].Quantity;

    /// <summary>Applies every scheduled movement up to and including <paramref name="at"/>.</summary>
    public void AdvanceTo(DateTime at)
    {
        while (_scheduled.TryPeek(out var movement, out var when) && when.At <= at)
        {
            _scheduled.Dequeue();
            Apply(movement, when.At);
        }
    }

    public void Sell(int album, int quantity, Guid orderId, string orderNumber, decimal unitPrice, DateTime at, Guid? clerk)
    {
        var stock = _stock[album];
        if (quantity > stock.Quantity)
        {
            throw new InvalidOperationException($"Album {album} has {stock.Quantity} in stock, cannot sell {quantity}.");
        }

        stock.Quantity -= quantity;
        if (at >= _options.AnchorTime.AddDays(-365))
        {
            stock.SoldLastYear += quantity;
        }

        Record(album, orderId, DbValues.StockSale, -quantity, unitPrice, $"Order {orderNumber}", clerk, at);
        ReorderIfLow(album, at);
    }

    public void ScheduleReturn(int album, int quantity, Guid orderId, string orderNumber, decimal unitPrice, DateTime at) =>
        Schedule(at, new StockMovement(album, DbValues.StockReturn, quantity, unitPrice, orderId, $"Order {orderNumber} cancelled, back on the shelf", null));

    /// <summary>Finishes the history at the anchor and returns one inventory row per album and the ledger.</summary>
    public (IReadOnlyList<InventoryRow> Inventory, IReadOnlyList<InventoryTransactionRow> Transactions) Close()
    {
        AdvanceTo(_options.AnchorTime.AddTicks(-1));
        var inventory = _albums.Select((album, index) => InventoryRow(album, _policies[index], _stock[index])).ToList();
        return (inventory, _transactions);
    }

    /// <summary>
    /// How much to keep of an album: about eight weeks of its expected sales, reordered when two weeks' worth is left,
    /// so that purchase orders are a handful of copies rather than one at a time. Used copies are kept in smaller
    /// numbers, and a rare record is a single copy that is never reordered.
    /// </summary>
    private StockPolicy Policy(CatalogAlbum album, double share)
    {
        var daily = _options.OrderCount * UnitsPerOrder * share / _options.Days;
        if (album.Row.IsRare)
        {
            return new StockPolicy(ReorderPoint: 0, Optimal: 1);
        }

        if (album.IsNewPressing)
        {
            var optimal = Math.Clamp((int)Math.Ceiling(daily * 56) + 3, 4, 80);
            return new StockPolicy(Math.Clamp((int)Math.Ceiling(daily * 14) + 1, 1, optimal - 1), optimal);
        }

        var used = Math.Clamp((int)Math.Ceiling(daily * 42) + 1, 2, 10);
        return new StockPolicy(Math.Clamp((int)Math.Ceiling(daily * 10), 0, used - 1), used);
    }

    private void ScheduleOpeningStock(int album)
    {
        var row = _albums[album].Row;
        var notes = row.IsRare ? "Bought from a private collection"
            : _supply[album] is { } supply ? $"Opening stock from {supply.SupplierName}"
            : "Opening stock";
        Schedule(row.CreatedAt, new StockMovement(album, DbValues.StockRestock, _policies[album].Optimal, row.Cost, null, notes, _random.Pick(_staff.Managers).UserId));
    }

    /// <summary>A few albums get one correction: a damaged copy written off, or a stray copy found in a stock count.</summary>
    private void ScheduleStockCountCorrection(int album)
    {
        var row = _albums[album].Row;
        if (row.IsRare || !_random.Chance(AdjustmentShare))
        {
            return;
        }

        var from = row.CreatedAt > _options.HistoryStart ? row.CreatedAt : _options.HistoryStart;
        var writeOff = _random.Chance(0.75);
        Schedule(_random.Between(from, _options.AnchorTime), new StockMovement(
            album,
            DbValues.StockAdjustment,
            writeOff ? -1 : 1,
            row.Cost,
            null,
            writeOff ? "Damaged sleeve, written off" : "Stock count correction: found an extra copy",
            _random.Pick(_staff.Managers).UserId));
    }

    private void Apply(StockMovement movement, DateTime at)
    {
        var stock = _stock[movement.Album];
        if (stock.Quantity + movement.Quantity < 0)
        {
            // The copy to write off was sold in the meantime: nothing to correct.
            return;
        }

        stock.Quantity += movement.Quantity;
        if (movement.Type == DbValues.StockRestock)
        {
            stock.LastRestockAt = at;
            stock.RestockOrdered = false;
        }

        Record(movement.Album, movement.OrderId, movement.Type, movement.Quantity, movement.UnitPrice, movement.Notes, movement.UserId, at);
        ReorderIfLow(movement.Album, at);
    }

    /// <summary>At the reorder point, orders back up to the optimal level (at least the supplier's minimum) from the usual supplier.</summary>
    private void ReorderIfLow(int album, DateTime at)
    {
        var stock = _stock[album];
        var policy = _policies[album];
        if (_supply[album] is not { } supply || stock.RestockOrdered || stock.Quantity > policy.ReorderPoint)
        {
            return;
        }

        var quantity = Math.Max(policy.Optimal - stock.Quantity, supply.MinimumOrder);
        // Deliveries are received during the working day, at least a day after the order went out.
        var arrival = (at + _random.Days(supply.LeadDays * 0.8, supply.LeadDays * 1.4)).Date.AddDays(1) + _random.Hours(9, 16);
        stock.RestockOrdered = true;
        Schedule(arrival, new StockMovement(
            album, DbValues.StockRestock, quantity, supply.PriceAt(at), null, $"Purchase order from {supply.SupplierName}",
            _random.Pick(_staff.Users).UserId));
    }

    private void Schedule(DateTime at, StockMovement movement) => _scheduled.Enqueue(movement, (at, _sequence++));

    private void Record(int album, Guid? orderId, string type, int change, decimal unitPrice, string notes, Guid? userId, DateTime at)
    {
        var stock = _stock[album];
        stock.LastMovementAt = at;
        _transactions.Add(new InventoryTransactionRow(
            _random.NextGuid(), stock.InventoryId, orderId, type, change, unitPrice, notes, userId, at));
    }

    private InventoryRow InventoryRow(CatalogAlbum album, StockPolicy policy, AlbumStock stock)
    {
        // Sold in the last year over the average of full and current stock: how many times the shelf turned over.
        var averageStock = Math.Max(1.0, (policy.Optimal + stock.Quantity) / 2.0);
        var lastRestock = stock.LastRestockAt ?? album.Row.CreatedAt;
        return new InventoryRow(
            stock.InventoryId,
            album.Row.AlbumId,
            stock.Quantity,
            policy.ReorderPoint,
            policy.Optimal,
            Math.Round((decimal)(stock.SoldLastYear / averageStock), 4, MidpointRounding.AwayFromZero),
            Math.Max(0, (int)(_options.AnchorTime - lastRestock).TotalDays),
            stock.LastRestockAt,
            album.Row.CreatedAt,
            stock.LastMovementAt ?? album.Row.CreatedAt);
    }

    private readonly record struct StockPolicy(int ReorderPoint, int Optimal);

    private sealed record StockMovement(int Album, string Type, int Quantity, decimal UnitPrice, Guid? OrderId, string Notes, Guid? UserId);

    private sealed class AlbumStock(Guid inventoryId)
    {
        public Guid InventoryId { get; } = inventoryId;
        public int Quantity { get; set; }
        public int SoldLastYear { get; set; }
        public bool RestockOrdered { get; set; }
        public DateTime? LastRestockAt { get; set; }
        public DateTime? LastMovementAt { get; set; }
    }
}
