namespace Misty.Seeding;

/// <summary>An album line delivered to a customer: what they can review.</summary>
internal readonly record struct Delivery(CustomerProfile Customer, CatalogAlbum Album, DateTime DeliveredAt);

/// <summary>An order as the customer-service history sees it.</summary>
internal sealed record PlacedOrder(string Number, CustomerProfile Customer, string AlbumTitle, DateTime PlacedAt, string Status);

internal sealed record OrderHistory(
    IReadOnlyList<OrderRow> Orders,
    IReadOnlyList<OrderItemRow> Items,
    IReadOnlyList<PaymentRow> Payments,
    IReadOnlyList<ShipmentRow> Shipments,
    IReadOnlyList<Delivery> Deliveries,
    IReadOnlyList<PlacedOrder> Placed);

/// <summary>
/// Two years of orders, day by day in time order: how many per day follows the demand calendar, who buys follows
/// customers' appetite (only customers who had joined by then), what they buy follows album popularity and their
/// favourite genre (only albums in stock). Every sale goes through the inventory ledger; payments, shipments and the
/// order's status follow from the time left until the anchor.
/// </summary>
internal sealed class OrderGenerator
{
    private const decimal TaxRate = 0.08m;
    private const decimal FreeShippingFrom = 75m;
    private const decimal StandardShipping = 5.99m;
    private const decimal FreightShipping = 15.00m;
    private const decimal PromotionDiscount = 0.10m;
    private const double FavoriteGenreShare = 0.55;
    private const decimal FraudFlagScore = 75m;

    private static readonly IReadOnlyList<(int Count, double Weight)> LinesPerOrder = [(1, 60), (2, 25), (3, 10), (4, 4), (5, 1)];
    private static readonly IReadOnlyList<(int Quantity, double Weight)> CopiesPerLine = [(1, 88), (2, 10), (3, 2)];

    private readonly SeedOptions _options;
    private readonly IReadOnlyList<CatalogAlbum> _albums;
    private readonly Staff _staff;
    private readonly InventoryLedger _ledger;
    private readonly SeedRandom _random;
    private readonly WeightedPicker<CustomerProfile> _customers;
    private readonly WeightedPicker<int> _allAlbums;
    private readonly WeightedPicker<int>[] _albumsByGenre;
    private readonly ShipmentPlanner _shipping;
    private readonly List<OrderRow> _orders = [];
    private readonly List<OrderItemRow> _items = [];
    private readonly List<PaymentRow> _payments = [];
    private readonly List<ShipmentRow> _shipments = [];
    private readonly List<Delivery> _deliveries = [];
    private readonly List<PlacedOrder> _placed = [];

    public OrderGenerator(SeedOptions options, Catalog catalog, IReadOnlyList<CustomerProfile> customers, Staff staff, InventoryLedger ledger)
    {
        _options = options;
        _albums = catalog.Albums;
        _staff = staff;
        _ledger = ledger;
        _random = new SeedRandom(options.Seed, SeedStream.Orders);
        _shipping = new ShipmentPlanner(options, _random);
        _customers = new WeightedPicker<CustomerProfile>(customers.Select(customer => (customer, customer.JoinedAt, customer.Appetite)));
        _allAlbums = AlbumPicker(_ => true);
        _albumsByGenre = MusicVocabulary.Genres.Select((_, genre) => AlbumPicker(album => album.GenreIndex == genre)).ToArray();
    }

    public OrderHistory Generate()
    {
        var firstDay = DateOnly.FromDateTime(_options.HistoryStart);
        var perDay = DemandCalendar.OrdersPerDay(_options.OrderCount, firstDay, _options.Days);
        for (var offset = 0; offset < _options.Days; offset++)
        {
            var day = firstDay.AddDays(offset);
            var mix = DemandCalendar.ChannelMix(day);
            var arrivals = Enumerable.Range(0, perDay[offset])
                .Select(_ => _random.PickWeighted(mix))
                .Select(channel => (Channel: channel, At: DemandCalendar.OrderTime(_random, day, channel)))
                // The last day ends at the anchor's moment: a history seeded at noon has today's morning only.
                .Where(arrival => arrival.At < _options.AnchorTime)
                .OrderBy(arrival => arrival.At)
                .ToList();
            var sequence = 0;
            foreach (var (channel, at) in arrivals)
            {
                if (TryPlace(channel, at, $"ORD-{day:yyMMdd}-{sequence + 1:D4}"))
                {
                    sequence++;
                }
            }
        }

        return new OrderHistory(_orders, _items, _payments, _shipments, _deliveries, _placed);
    }

    private WeightedPicker<int> AlbumPicker(Func<CatalogAlbum, bool> include) =>
        new(_albums.Select((album, index) => (album, index))
            .Where(entry => include(entry.album))
            .Select(entry => (entry.index, entry.album.Row.CreatedAt, entry.album.Popularity)));

    /// <summary>Places one order; false when there was nobody to buy or nothing in stock to sell.</summary>
    private bool TryPlace(string channel, DateTime at, string number)
    {
        _ledger.AdvanceTo(at);
        if (!_customers.TryPick(_random, at, out var customer) || PickLines(customer, channel, at) is not { Count: > 0 } lines)
        {
            return false;
        }

        var orderId = _random.NextGuid();
        var promotion = DemandCalendar.IsPromotion(DateOnly.FromDateTime(at));
        var items = lines.Select(line => Item(orderId, line, channel, promotion, at)).ToList();
        var subtotal = items.Sum(item => item.Total);
        var tax = RecordPricing.Money(subtotal * TaxRate);
        var shippingFee = channel == DbValues.ChannelInStore ? 0m
            : channel == DbValues.ChannelCorporate ? FreightShipping
            : subtotal >= FreeShippingFrom ? 0m
            : StandardShipping;
        var total = subtotal + tax + shippingFee;
        var method = PaymentMethod(channel);
        var fraudScore = FraudScore(channel, method, total, customer, at);
        var outcome = Outcome(channel, method, fraudScore);
        var cancelledAt = outcome == OrderOutcome.Fulfilled ? (DateTime?)null : CancellationTime(at);

        MoveStock(lines, orderId, number, channel, outcome, at, cancelledAt);
        var fulfilment = _shipping.Plan(orderId, channel, outcome, at, cancelledAt);
        var order = new OrderRow(
            orderId, number, customer.Id, subtotal, tax, shippingFee, total, fulfilment.Status, channel,
            channel == DbValues.ChannelInStore ? null : customer.Address, at, fulfilment.UpdatedAt);
        _orders.Add(order);
        _items.AddRange(items);
        AddPayments(order, method, outcome, fraudScore, cancelledAt);
        if (fulfilment.Shipment is { } shipment)
        {
            _shipments.Add(shipment);
        }

        if (outcome == OrderOutcome.Fulfilled)
        {
            customer.RecordPurchase(total, at);
        }

        if (fulfilment.DeliveredAt is { } deliveredAt)
        {
            _deliveries.AddRange(lines.Select(line => new Delivery(customer, _albums[line.Album], deliveredAt)));
        }

        _placed.Add(new PlacedOrder(number, customer, _albums[lines[0].Album].Row.Title, at, fulfilment.Status));
        return true;
    }

    /// <summary>
    /// Distinct albums that are in stock now, more than half of them from the customer's favourite genre. Gives up on a
    /// line after a few tries rather than loop on sold-out albums.
    /// </summary>
    private List<OrderLine> PickLines(CustomerProfile customer, string channel, DateTime at)
    {
        var wanted = channel == DbValues.ChannelCorporate ? _random.Int(2, 6) : _random.PickWeighted(LinesPerOrder);
        var lines = new List<OrderLine>(wanted);
        for (var attempt = 0; attempt < wanted * 6 && lines.Count < wanted; attempt++)
        {
            var picker = _random.Chance(FavoriteGenreShare) ? _albumsByGenre[customer.FavoriteGenre] : _allAlbums;
            if (!picker.TryPick(_random, at, out var album) || lines.Exists(line => line.Album == album) || _ledger.Available(album) == 0)
            {
                continue;
            }

            lines.Add(Line(album, channel));
        }

        if (lines.Count == 0 && AnyInStock(at) is { } fallback)
        {
            lines.Add(Line(fallback, channel));
        }

        return lines;
    }

    private OrderLine Line(int album, string channel)
    {
        var copies = _albums[album].Row.IsRare ? 1
            : channel == DbValues.ChannelCorporate ? _random.Int(1, 5)
            : _random.PickWeighted(CopiesPerLine);
        return new OrderLine(album, Math.Min(copies, _ledger.Available(album)));
    }

    /// <summary>
    /// When everything the customer looked at was sold out, they buy something else on the shelf: the first album in
    /// stock from a random place in the catalogue. Keeps the order count as asked unless the whole store is empty.
    /// </summary>
    private int? AnyInStock(DateTime at)
    {
        var start = _random.Int(0, _albums.Count - 1);
        for (var step = 0; step < _albums.Count; step++)
        {
            var album = (start + step) % _albums.Count;
            if (_albums[album].Row.CreatedAt <= at && _ledger.Available(album) > 0)
            {
                return album;
            }
        }

        return null;
    }

    /// <summary>Corporate accounts get their negotiated discount; on promotion days some lines are marked down.</summary>
    private OrderItemRow Item(Guid orderId, OrderLine line, string channel, bool promotion, DateTime at)
    {
        var unitPrice = _albums[line.Album].Row.Price;
        var discounted = channel == DbValues.ChannelCorporate || (promotion && _random.Chance(0.4));
        var discount = discounted ? RecordPricing.Money(unitPrice * line.Quantity * PromotionDiscount) : 0m;
        return new OrderItemRow(
            _random.NextGuid(), orderId, _albums[line.Album].Row.AlbumId, line.Quantity, unitPrice, discount,
            (unitPrice * line.Quantity) - discount, at);
    }

    private string PaymentMethod(string channel) => channel switch
    {
        DbValues.ChannelInStore => _random.Chance(0.25) ? DbValues.PaymentCash : DbValues.PaymentCard,
        DbValues.ChannelCorporate => DbValues.PaymentBankTransfer,
        _ => DbValues.PaymentCard,
    };

    /// <summary>
    /// Mostly low, higher for card-not-present, large and brand-new-account orders, and a small share that looks like
    /// outright fraud. Cash in hand carries no risk.
    /// </summary>
    private decimal FraudScore(string channel, string method, decimal total, CustomerProfile customer, DateTime at)
    {
        if (method == DbValues.PaymentCash)
        {
            return 0m;
        }

        var score = _random.Exponential(6) * (channel is DbValues.ChannelOnline or DbValues.ChannelPhone ? 1.3 : 1.0);
        score += total > 250m ? 12 : 0;
        score += at - customer.JoinedAt < TimeSpan.FromDays(3) ? 15 : 0;
        if (_random.Chance(0.006))
        {
            score = _random.Double(78, 99);
        }

        return RecordPricing.Money(Math.Clamp(score, 0, 99.99));
    }

    private OrderOutcome Outcome(string channel, string method, decimal fraudScore)
    {
        if (channel == DbValues.ChannelInStore)
        {
            return OrderOutcome.Fulfilled;
        }

        if (fraudScore >= FraudFlagScore)
        {
            // Half of the flagged orders are confirmed as fraud on review and cancelled; the rest were genuine.
            return _random.Chance(0.5) ? OrderOutcome.CancelledRefunded : OrderOutcome.Fulfilled;
        }

        return method == DbValues.PaymentCard && _random.Chance(0.012) ? OrderOutcome.CancelledUnpaid
            : _random.Chance(0.015) ? OrderOutcome.CancelledRefunded
            : OrderOutcome.Fulfilled;
    }

    /// <summary>Within a day or so, and always before the anchor.</summary>
    private DateTime CancellationTime(DateTime at)
    {
        var delay = _random.Hours(1, 30);
        var left = _options.AnchorTime - at;
        return SeedTime.WholeSeconds(at + (delay < left * 0.9 ? delay : left * 0.9));
    }

    /// <summary>Paid orders take their stock when placed; a cancelled paid order puts it back when cancelled.</summary>
    private void MoveStock(List<OrderLine> lines, Guid orderId, string number, string channel, OrderOutcome outcome, DateTime at, DateTime? cancelledAt)
    {
        if (outcome == OrderOutcome.CancelledUnpaid)
        {
            return;
        }

        var clerk = channel == DbValues.ChannelInStore ? _random.Pick(_staff.Clerks).UserId : (Guid?)null;
        foreach (var line in lines)
        {
            var unitPrice = _albums[line.Album].Row.Price;
            _ledger.Sell(line.Album, line.Quantity, orderId, number, unitPrice, at, clerk);
            if (outcome == OrderOutcome.CancelledRefunded)
            {
                _ledger.ScheduleReturn(line.Album, line.Quantity, orderId, number, unitPrice, cancelledAt!.Value);
            }
        }
    }

    private void AddPayments(OrderRow order, string method, OrderOutcome outcome, decimal fraudScore, DateTime? cancelledAt)
    {
        var flagged = fraudScore >= FraudFlagScore;
        var at = order.OrderDate;
        switch (outcome)
        {
            case OrderOutcome.CancelledUnpaid:
                _payments.Add(Payment(order, method, DbValues.PaymentFailed, fraudScore, flagged, at, at));
                break;
            case OrderOutcome.CancelledRefunded:
                _payments.Add(Payment(order, method, DbValues.PaymentRefunded, fraudScore, flagged, at, cancelledAt!.Value));
                break;
            case OrderOutcome.Fulfilled when method == DbValues.PaymentBankTransfer:
                // Corporate accounts are invoiced and pay by transfer within days; some invoices are still open.
                var paidAt = at + _random.Days(1, 12);
                _payments.Add(paidAt < _options.AnchorTime
                    ? Payment(order, method, DbValues.PaymentCompleted, fraudScore, flagged, paidAt, paidAt)
                    : Payment(order, method, DbValues.PaymentPending, fraudScore, flagged, null, at));
                break;
            default:
                if (method == DbValues.PaymentCard && order.Channel != DbValues.ChannelInStore && _random.Chance(0.025))
                {
                    // A declined first card, then a second one that went through.
                    var declinedAt = at - _random.Hours(0.02, 0.3);
                    _payments.Add(Payment(order, method, DbValues.PaymentFailed, fraudScore, flagged, declinedAt, declinedAt));
                }

                _payments.Add(Payment(order, method, DbValues.PaymentCompleted, fraudScore, flagged, at, at));
                break;
        }
    }

    private PaymentRow Payment(
        OrderRow order, string method, string status, decimal fraudScore, bool flagged, DateTime? paidAt, DateTime updatedAt)
    {
        var reference = method switch
        {
            DbValues.PaymentCard => $"ch_{_random.AlphaNumeric(24).ToLowerInvariant()}",
            DbValues.PaymentBankTransfer => $"BT{_random.Digits(10)}",
            _ => null,
        };
        var createdAt = paidAt is { } paid && paid < order.OrderDate ? paid : order.OrderDate;
        return new PaymentRow(
            _random.NextGuid(), order.OrderId, order.Total, method, status, reference, flagged, fraudScore, paidAt, createdAt, updatedAt);
    }

    private readonly record struct OrderLine(int Album, int Quantity);
}

internal enum OrderOutcome
{
    Fulfilled,

    /// <summary>Paid, then cancelled (by the customer, or as confirmed fraud) and refunded.</summary>
    CancelledRefunded,

    /// <summary>The payment failed and the order was cancelled; no stock moved.</summary>
    CancelledUnpaid,
}
