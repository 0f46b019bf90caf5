using System.Text.Json.Serialization;

namespace Misty.Grains.Interfaces.Customers;

// The schema's enum labels are the JSON names, and SchemaNames (Cases/CaseValues.cs) reads them for the SQL rows.

[JsonConverter(typeof(JsonStringEnumConverter<CustomerStatus>))]
[GenerateSerializer, Alias("Misty.CustomerStatus")]
public enum CustomerStatus
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("inactive")] Inactive,
    [JsonStringEnumMemberName("vip")] Vip,
}

[JsonConverter(typeof(JsonStringEnumConverter<SegmentType>))]
[GenerateSerializer, Alias("Misty.SegmentType")]
public enum SegmentType
{
    [JsonStringEnumMemberName("vip_collector")] VipCollector,
    [JsonStringEnumMemberName("regular_enthusiast")] RegularEnthusiast,
    [JsonStringEnumMemberName("casual_buyer")] CasualBuyer,
    [JsonStringEnumMemberName("new_customer")] NewCustomer,
}

[JsonConverter(typeof(JsonStringEnumConverter<InteractionType>))]
[GenerateSerializer, Alias("Misty.InteractionType")]
public enum InteractionType
{
    [JsonStringEnumMemberName("email")] Email,
    [JsonStringEnumMemberName("phone")] Phone,
    [JsonStringEnumMemberName("chat")] Chat,
    [JsonStringEnumMemberName("in_store")] InStore,
    [JsonStringEnumMemberName("online")] Online,
}
