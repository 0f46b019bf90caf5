namespace Misty.Seeding;

internal sealed record OrderRow(
    Guid OrderId,
    string OrderNumber,
    Guid CustomerId,
    decimal Subtotal,
    decimal Tax,
    decimal ShippingFee,
    decimal Total,
    string Status,
    string Channel,
    string? ShippingAddress,
    DateTime OrderDate,
    DateTime UpdatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "orders", "order_id", "order_number", "customer_id", "subtotal", "tax", "shipping_fee", "total", "status",
        "channel", "shipping_address", "order_date", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(OrderId);
        await writer.Text(OrderNumber);
        await writer.Uuid(CustomerId);
        await writer.Numeric(Subtotal);
        await writer.Numeric(Tax);
        await writer.Numeric(ShippingFee);
        await writer.Numeric(Total);
        await writer.Enum(Status);
        await writer.Enum(Channel);
        await writer.Text(ShippingAddress);
        await writer.Time(OrderDate);
        await writer.Time(OrderDate);
        await writer.Time(UpdatedAt);
    }
}

internal sealed record OrderItemRow(
    Guid OrderItemId, Guid OrderId, Guid AlbumId, int Quantity, decimal UnitPrice, decimal Discount, decimal Total, DateTime CreatedAt)
    : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "order_items", "order_item_id", "order_id", "album_id", "quantity", "unit_price", "discount", "total", "created_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(OrderItemId);
        await writer.Uuid(OrderId);
        await writer.Uuid(AlbumId);
        await writer.Int(Quantity);
        await writer.Numeric(UnitPrice);
        await writer.Numeric(Discount);
        await writer.Numeric(Total);
        await writer.Time(CreatedAt);
    }
}

internal sealed record PaymentRow(
    Guid PaymentId,
    Guid OrderId,
    decimal Amount,
    string PaymentMethod,
    string Status,
    string? TransactionId,
    bool FraudFlagged,
    decimal FraudScore,
    DateTime? PaymentDate,
    DateTime CreatedAt,
    DateTime UpdatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "payments", "payment_id", "order_id", "amount", "payment_method", "status", "transaction_id", "fraud_flagged",
        "fraud_score", "payment_date", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(PaymentId);
        await writer.Uuid(OrderId);
        await writer.Numeric(Amount);
        await writer.Enum(PaymentMethod);
        await writer.Enum(Status);
        await writer.Text(TransactionId);
        await writer.Bool(FraudFlagged);
        await writer.Numeric(FraudScore);
        await writer.Time(PaymentDate);
        await writer.Time(CreatedAt);
        await writer.Time(UpdatedAt);
    }
}

internal sealed record ShipmentRow(
    Guid ShipmentId,
    Guid OrderId,
    string TrackingNumber,
    string Carrier,
    string Status,
    DateTime ShippedDate,
    DateTime EstimatedDelivery,
    DateTime? ActualDelivery,
    DateTime CreatedAt,
    DateTime UpdatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "shipments", "shipment_id", "order_id", "tracking_number", "carrier", "status", "shipped_date",
        "estimated_delivery", "actual_delivery", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(ShipmentId);
        await writer.Uuid(OrderId);
        await writer.Text(TrackingNumber);
        await writer.Text(Carrier);
        await writer.Enum(Status);
        await writer.Time(ShippedDate);
        await writer.Time(EstimatedDelivery);
        await writer.Time(ActualDelivery);
        await writer.Time(CreatedAt);
        await writer.Time(UpdatedAt);
    }
}
