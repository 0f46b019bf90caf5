namespace Misty.Seeding;

/// <summary>Every row of the demo data, generated in memory from the options alone (no clock, no database).</summary>
internal sealed class DemoDataset
{
    public required Catalog Catalog { get; init; }
    public required Supply Supply { get; init; }
    public required Staff Staff { get; init; }
    public required IReadOnlyList<CustomerRow> Customers { get; init; }
    public required IReadOnlyList<CustomerSegmentRow> Segments { get; init; }
    public required IReadOnlyList<InventoryRow> Inventory { get; init; }
    public required IReadOnlyList<InventoryTransactionRow> InventoryTransactions { get; init; }
    public required OrderHistory Orders { get; init; }
    public required IReadOnlyList<ReviewRow> Reviews { get; init; }
    public required IReadOnlyList<CaseRow> Cases { get; init; }
    public required IReadOnlyList<CaseMessageRow> CaseMessages { get; init; }
    public required IReadOnlyList<CustomerInteractionRow> Interactions { get; init; }
    public required IReadOnlyList<KnowledgeDocumentRow> Documents { get; init; }

    public static DemoDataset Generate(SeedOptions options)
    {
        var catalog = new CatalogGenerator(options).Generate();
        var supply = new SupplyGenerator(options, catalog).Generate();
        var staff = new StaffGenerator(options).Generate();
        var customers = new CustomerGenerator(options).Generate();
        var ledger = new InventoryLedger(options, catalog, supply, staff);
        var orders = new OrderGenerator(options, catalog, customers, staff, ledger).Generate();
        var (inventory, transactions) = ledger.Close();
        var (customerRows, segments) = new CustomerStanding(options).Summarise(customers);
        var (cases, messages) = new CaseGenerator(options, catalog, customers, staff).Generate(orders.Placed);
        return new DemoDataset
        {
            Catalog = catalog,
            Supply = supply,
            Staff = staff,
            Customers = customerRows,
            Segments = segments,
            Inventory = inventory,
            InventoryTransactions = transactions,
            Orders = orders,
            Reviews = new ReviewGenerator(options, catalog, customers).Generate(orders.Deliveries),
            Cases = cases,
            CaseMessages = messages,
            Interactions = new InteractionGenerator(options, customers).Generate(),
            Documents = DemoKnowledgeDocuments.All.Select(document => new KnowledgeDocumentRow(document, options.StoreOpened)).ToList(),
        };
    }

    /// <summary>Loads every table, parents before children so that foreign keys hold row by row.</summary>
    public async Task CopyToAsync(SeedCopier copier)
    {
        await copier.CopyAsync(Staff.Users);
        await copier.CopyAsync(Catalog.Genres);
        await copier.CopyAsync(Catalog.Labels);
        await copier.CopyAsync(Catalog.Albums.Select(album => album.Row).ToList());
        await copier.CopyAsync(Supply.Suppliers);
        await copier.CopyAsync(Supply.Pricing);
        await copier.CopyAsync(Customers);
        await copier.CopyAsync(Segments);
        await copier.CopyAsync(Orders.Orders);
        await copier.CopyAsync(Orders.Items);
        await copier.CopyAsync(Orders.Payments);
        await copier.CopyAsync(Orders.Shipments);
        await copier.CopyAsync(Inventory);
        await copier.CopyAsync(InventoryTransactions);
        await copier.CopyAsync(Reviews);
        await copier.CopyAsync(Cases);
        await copier.CopyAsync(CaseMessages);
        await copier.CopyAsync(Interactions);
        await copier.CopyAsync(Documents);
    }
}
