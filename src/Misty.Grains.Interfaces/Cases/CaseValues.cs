using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Misty.Grains.Interfaces.Cases;

/// <summary>The cases.status values.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseStatus>))]
[GenerateSerializer, Alias("Misty.CaseStatus")]
public enum CaseStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("in_progress")] InProgress,
    [JsonStringEnumMemberName("resolved")] Resolved,
    [JsonStringEnumMemberName("closed")] Closed,
}

/// <summary>The cases.priority values (priority_level), least urgent first so that they compare by urgency.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CasePriority>))]
[GenerateSerializer, Alias("Misty.CasePriority")]
public enum CasePriority
{
    [JsonStringEnumMemberName("low")] Low,
    [JsonStringEnumMemberName("medium")] Medium,
    [JsonStringEnumMemberName("high")] High,
    [JsonStringEnumMemberName("critical")] Critical,
}

/// <summary>The cases.category values.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseCategory>))]
[GenerateSerializer, Alias("Misty.CaseCategory")]
public enum CaseCategory
{
    [JsonStringEnumMemberName("order_issue")] OrderIssue,
    [JsonStringEnumMemberName("product_question")] ProductQuestion,
    [JsonStringEnumMemberName("return")] Return,
    [JsonStringEnumMemberName("technical")] Technical,
    [JsonStringEnumMemberName("general")] General,
}

/// <summary>
/// The schema's spelling of an enum value (its <see cref="JsonStringEnumMemberNameAttribute"/>): one source for the
/// JSON, the SQL rows and the API's validation messages.
/// </summary>
public static class SchemaNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => Spellings<TEnum>.ByValue[value];

    /// <summary>Every value's name, in declaration order, e.g. for "one of ..." messages.</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => Spellings<TEnum>.All;

    public static bool TryParse<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum =>
        Spellings<TEnum>.ByName.TryGetValue(name?.Trim() ?? "", out value);

    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        TryParse<TEnum>(name, out var value) ? value : throw new FormatException($"'{name}' is not a {typeof(TEnum).Name} value.");

    private static class Spellings<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ByValue = Enum.GetValues<TEnum>().ToFrozenDictionary(
            value => value,
            value => typeof(TEnum).GetField(value.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString());

        public static readonly FrozenDictionary<string, TEnum> ByName =
            ByValue.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

        public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<TEnum>().Select(value => ByValue[value])];
    }
}
