using System.Text.Json.Serialization;

namespace Misty.Grains.Interfaces.Orders;

// The schema's enum labels are the JSON names, and SchemaNames (Cases/CaseValues.cs) reads them for the SQL rows.

[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
[GenerateSerializer, Alias("Misty.OrderStatus")]
public enum OrderStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("processing")] Processing,
    [JsonStringEnumMemberName("shipped")] Shipped,
    [JsonStringEnumMemberName("delivered")] Delivered,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

[JsonConverter(typeof(JsonStringEnumConverter<SalesChannel>))]
[GenerateSerializer, Alias("Misty.SalesChannel")]
public enum SalesChannel
{
    [JsonStringEnumMemberName("in-store")] InStore,
    [JsonStringEnumMemberName("online")] Online,
    [JsonStringEnumMemberName("phone")] Phone,
    [JsonStringEnumMemberName("corporate")] Corporate,
}

[JsonConverter(typeof(JsonStringEnumConverter<PaymentMethod>))]
[GenerateSerializer, Alias("Misty.PaymentMethod")]
public enum PaymentMethod
{
    [JsonStringEnumMemberName("card")] Card,
    [JsonStringEnumMemberName("cash")] Cash,
    [JsonStringEnumMemberName("bank_transfer")] BankTransfer,
}

[JsonConverter(typeof(JsonStringEnumConverter<PaymentStatus>))]
[GenerateSerializer, Alias("Misty.PaymentStatus")]
public enum PaymentStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("refunded")] Refunded,
}

/// <summary>Ordered as a parcel moves, so that statuses compare by progress.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShipmentStatus>))]
[GenerateSerializer, Alias("Misty.ShipmentStatus")]
public enum ShipmentStatus
{
    [JsonStringEnumMemberName("preparing")] Preparing,
    [JsonStringEnumMemberName("shipped")] Shipped,
    [JsonStringEnumMemberName("in_transit")] InTransit,
    [JsonStringEnumMemberName("delivered")] Delivered,
}
