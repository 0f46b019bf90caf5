namespace Misty.Seeding;

internal sealed record GenreRow(
    Guid GenreId, string Name, string Description, decimal AvgMargin, int PopularityScore, DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "genres", "genre_id", "name", "description", "avg_margin", "popularity_score", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(GenreId);
        await writer.Text(Name);
        await writer.Text(Description);
        await writer.Numeric(AvgMargin);
        await writer.Int(PopularityScore);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}

internal sealed record LabelRow(Guid LabelId, string Name, string Country, int FoundedYear, DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "labels", "label_id", "name", "country", "founded_year", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(LabelId);
        await writer.Text(Name);
        await writer.Text(Country);
        await writer.Int(FoundedYear);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}

internal sealed record AlbumRow(
    Guid AlbumId,
    string Sku,
    string Title,
    string Artist,
    Guid GenreId,
    Guid LabelId,
    int ReleaseYear,
    decimal Price,
    decimal Cost,
    string Condition,
    string Description,
    bool IsRare,
    decimal EstimatedValue,
    DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "albums", "album_id", "sku", "title", "artist", "genre_id", "label_id", "release_year", "price", "cost",
        "condition", "description", "is_rare", "estimated_value", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(AlbumId);
        await writer.Text(Sku);
        await writer.Text(Title);
        await writer.Text(Artist);
        await writer.Uuid(GenreId);
        await writer.Uuid(LabelId);
        await writer.Int(ReleaseYear);
        await writer.Numeric(Price);
        await writer.Numeric(Cost);
        await writer.Text(Condition);
        await writer.Text(Description);
        await writer.Bool(IsRare);
        await writer.Numeric(EstimatedValue);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}

internal sealed record SupplierRow(
    Guid SupplierId,
    string Name,
    string Email,
    string Phone,
    string Address,
    decimal AvgDeliveryDays,
    decimal ReliabilityScore,
    DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "suppliers", "supplier_id", "name", "email", "phone", "address", "avg_delivery_days", "reliability_score",
        "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(SupplierId);
        await writer.Text(Name);
        await writer.Text(Email);
        await writer.Text(Phone);
        await writer.Text(Address);
        await writer.Numeric(AvgDeliveryDays);
        await writer.Numeric(ReliabilityScore);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}

internal sealed record SupplierPricingRow(
    Guid PricingId,
    Guid SupplierId,
    Guid AlbumId,
    decimal UnitPrice,
    int MinimumOrderQuantity,
    DateOnly EffectiveFrom,
    DateOnly? EffectiveTo,
    DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "supplier_pricing", "pricing_id", "supplier_id", "album_id", "unit_price", "minimum_order_quantity",
        "effective_from", "effective_to", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(PricingId);
        await writer.Uuid(SupplierId);
        await writer.Uuid(AlbumId);
        await writer.Numeric(UnitPrice);
        await writer.Int(MinimumOrderQuantity);
        await writer.Date(EffectiveFrom);
        await writer.Date(EffectiveTo);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}

internal sealed record InventoryRow(
    Guid InventoryId,
    Guid AlbumId,
    int Quantity,
    int ReorderPoint,
    int OptimalStockLevel,
    decimal TurnoverRate,
    int DaysInStock,
    DateTime? LastRestockDate,
    DateTime CreatedAt,
    DateTime UpdatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "inventory", "inventory_id", "album_id", "quantity", "reserved_quantity", "reorder_point",
        "optimal_stock_level", "turnover_rate", "days_in_stock", "last_restock_date", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(InventoryId);
        await writer.Uuid(AlbumId);
        await writer.Int(Quantity);
        // Nothing is reserved: the demo has no open carts, and pending orders have already taken their stock.
        await writer.Int(0);
        await writer.Int(ReorderPoint);
        await writer.Int(OptimalStockLevel);
        await writer.Numeric(TurnoverRate);
        await writer.Int(DaysInStock);
        await writer.Time(LastRestockDate);
        await writer.Time(CreatedAt);
        await writer.Time(UpdatedAt);
    }
}

internal sealed record InventoryTransactionRow(
    Guid TransactionId,
    Guid InventoryId,
    Guid? OrderId,
    string TransactionType,
    int QuantityChange,
    decimal UnitPrice,
    string Notes,
    Guid? UserId,
    DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "inventory_transactions", "transaction_id", "inventory_id", "order_id", "transaction_type", "quantity_change",
        "unit_price", "notes", "user_id", "created_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(TransactionId);
        await writer.Uuid(InventoryId);
        await writer.Uuid(OrderId);
        await writer.Enum(TransactionType);
        await writer.Int(QuantityChange);
        await writer.Numeric(UnitPrice);
        await writer.Text(Notes);
        await writer.Uuid(UserId);
        await writer.Time(CreatedAt);
    }
}
