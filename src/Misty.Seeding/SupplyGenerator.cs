namespace Misty.Seeding;

/// <summary>Where the store reorders an album from: its cheapest supplier, that supplier's lead time and price list.</summary>
internal sealed record AlbumSupply(string SupplierName, double LeadDays, int MinimumOrder, IReadOnlyList<SupplierPricingRow> Prices)
{
    /// <summary>The unit price in force on a day; before the first price list, its price.</summary>
    public decimal PriceAt(DateTime at)
    {
        var day = DateOnly.FromDateTime(at);
        var current = Prices.LastOrDefault(price => price.EffectiveFrom <= day) ?? Prices[0];
        return current.UnitPrice;
    }
}

internal sealed record Supply(
    IReadOnlyList<SupplierRow> Suppliers, IReadOnlyList<SupplierPricingRow> Pricing, IReadOnlyList<AlbumSupply?> ByAlbum);

/// <summary>
/// Distributors with their lead times and reliability, and a price list for every album they carry. Rare records are
/// one-offs bought from collectors, so no supplier lists them.
/// </summary>
internal sealed class SupplyGenerator(SeedOptions options, Catalog catalog)
{
    private static readonly IReadOnlyList<string> Kinds =
        ["Vinyl Distribution", "Record Wholesale", "Music Supply", "One-Stop", "Pressing Co.", "Import Services"];

    private static readonly IReadOnlyList<(int Item, double Weight)> MinimumOrders = [(1, 30), (3, 30), (5, 25), (10, 15)];

    private readonly SeedRandom _random = new(options.Seed, SeedStream.Suppliers);

    public Supply Generate()
    {
        var suppliers = GenerateSuppliers();
        var pricing = new List<SupplierPricingRow>();
        var byAlbum = catalog.Albums.Select(album =>
        {
            if (album.Row.IsRare)
            {
                return null;
            }

            var offers = PriceAlbum(album.Row, suppliers);
            pricing.AddRange(offers.SelectMany(offer => offer.Prices));
            return offers.MinBy(offer => offer.Prices[^1].UnitPrice);
        }).ToList();
        return new Supply(suppliers, pricing, byAlbum);
    }

    private List<SupplierRow> GenerateSuppliers()
    {
        var names = new HashSet<string>();
        return Enumerable.Range(0, Math.Clamp(options.Albums / 400, 4, 14)).Select(_ =>
        {
            string name;
            do
            {
                name = $"{_random.Faker.Name.LastName()} {_random.Pick(Kinds)}";
            }
            while (!names.Add(name));

            return new SupplierRow(
                _random.NextGuid(),
                name,
                $"orders@{ContactDetails.MailSafe(name)}.example",
                ContactDetails.Phone(_random),
                ContactDetails.PostalAddress(_random),
                RecordPricing.Money(_random.Double(2, 12)),
                RecordPricing.Money(_random.Double(70, 99.5)),
                options.StoreOpened);
        }).ToList();
    }

    /// <summary>One to three suppliers for the album; a quarter of their price lists went up once during the history.</summary>
    private List<AlbumSupply> PriceAlbum(AlbumRow album, List<SupplierRow> suppliers)
    {
        var carriers = suppliers.OrderBy(_ => _random.Double()).Take(Math.Min(_random.Int(1, 3), suppliers.Count));
        return carriers.Select(supplier =>
        {
            var listedFrom = album.CreatedAt.AddDays(-_random.Int(0, 30));
            var price = RecordPricing.Money(album.Cost * (decimal)_random.Double(0.92, 1.08));
            var minimum = album.Condition == RecordPricing.Mint.Code ? _random.PickWeighted(MinimumOrders) : 1;
            var priceChange = listedFrom.AddDays(_random.Int(60, options.Days + 400));
            var prices = _random.Chance(0.25) && priceChange < options.AnchorTime
                ? new List<SupplierPricingRow>
                {
                    Pricing(supplier, album, price, minimum, listedFrom, priceChange.AddDays(-1)),
                    Pricing(supplier, album, RecordPricing.Money(price * (decimal)_random.Double(1.03, 1.12)), minimum, priceChange, null),
                }
                : [Pricing(supplier, album, price, minimum, listedFrom, null)];
            return new AlbumSupply(supplier.Name, (double)supplier.AvgDeliveryDays, minimum, prices);
        }).ToList();
    }

    private SupplierPricingRow Pricing(SupplierRow supplier, AlbumRow album, decimal price, int minimum, DateTime from, DateTime? to) =>
        new(
            _random.NextGuid(),
            supplier.SupplierId,
            album.AlbumId,
            price,
            minimum,
            DateOnly.FromDateTime(from),
            to is { } end ? DateOnly.FromDateTime(end) : null,
            from);
}
