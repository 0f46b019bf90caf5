namespace Misty.Seeding;

/// <summary>The enum labels and checked strings of the schema that the seeder writes, spelled once.</summary>
internal static class DbValues
{
    public const string RoleManager = "manager";
    public const string RoleStaff = "staff";

    public const string ChannelInStore = "in-store";
    public const string ChannelOnline = "online";
    public const string ChannelPhone = "phone";
    public const string ChannelCorporate = "corporate";

    public const string OrderPending = "pending";
    public const string OrderProcessing = "processing";
    public const string OrderShipped = "shipped";
    public const string OrderDelivered = "delivered";
    public const string OrderCancelled = "cancelled";

    public const string PaymentCard = "card";
    public const string PaymentCash = "cash";
    public const string PaymentBankTransfer = "bank_transfer";

    public const string PaymentPending = "pending";
    public const string PaymentCompleted = "completed";
    public const string PaymentFailed = "failed";
    public const string PaymentRefunded = "refunded";

    public const string ShipmentShipped = "shipped";
    public const string ShipmentInTransit = "in_transit";
    public const string ShipmentDelivered = "delivered";

    public const string StockRestock = "restock";
    public const string StockSale = "sale";
    public const string StockAdjustment = "adjustment";
    public const string StockReturn = "return";

    public const string CasePending = "pending";
    public const string CaseInProgress = "in_progress";
    public const string CaseResolved = "resolved";
    public const string CaseClosed = "closed";
}
