using System.Globalization;

namespace Misty.Grains.Insights;

/// <summary>The ai_recommendations types this engine raises (reorder lines are the replenishment planner's).</summary>
public static class InsightTypes
{
    public const string Pricing = "pricing";
    public const string Promotion = "promotion";
    public const string Customer = "customer";
    public const string Reorder = "reorder";

    public static readonly IReadOnlyList<string> All = [Reorder, Promotion, Pricing, Customer];

    /// <summary>How long a raised insight stands (and a dismissed one keeps its reason from being raised again).</summary>
    public static TimeSpan Lifetime(string type) => type == Customer ? TimeSpan.FromDays(21) : TimeSpan.FromDays(14);
}

/// <summary>The ai_recommendations.status values; an insight is open while pending.</summary>
public static class InsightStatuses
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Dismissed = "dismissed";
    public const string Scheduled = "scheduled";

    public static readonly IReadOnlyList<string> All = [Pending, Accepted, Dismissed, Scheduled];
}

/// <summary>
/// An insight the rules raise: one per subject (album or customer) and type. <paramref name="Reason"/> says which rule
/// fired (e.g. "sells_out"); <paramref name="Metadata"/> holds the numbers behind the sentence.
/// </summary>
/// <param name="SuggestedPrice">For pricing insights: the price accepting it sets.</param>
public sealed record InsightDraft(
    string Type,
    Guid EntityId,
    string Reason,
    string Recommendation,
    string Insight,
    int Confidence,
    string Impact,
    IReadOnlyDictionary<string, object?> Metadata,
    DateTimeOffset ExpiresAt,
    decimal? SuggestedPrice = null);

/// <summary>Shared arithmetic of the rules.</summary>
internal static class InsightMath
{
    public static int Confidence(double value) => (int)Math.Clamp(Math.Round(value), 0, 100);

    /// <summary>The most pressing drafts (impact, then confidence): a night's list a person can work through.</summary>
    public static IReadOnlyList<InsightDraft> Top(IEnumerable<InsightDraft> drafts, int max) =>
        [.. drafts.OrderBy(draft => draft.Impact switch { "high" => 0, "medium" => 1, _ => 2 }).ThenByDescending(draft => draft.Confidence)
            .ThenBy(draft => draft.EntityId).Take(max)];

    /// <summary>The highest shelf price (whole dollars less a cent) at or under the amount; under a dollar, the amount in cents.</summary>
    public static decimal ShelfPriceAtMost(decimal amount) =>
        amount < 1m ? Math.Round(amount, 2, MidpointRounding.ToZero) : Math.Floor(amount + 0.01m) - 0.01m;

    /// <summary>The lowest shelf price (whole dollars less a cent) at or over the amount.</summary>
    public static decimal ShelfPriceAtLeast(decimal amount) => Math.Max(Math.Ceiling(amount + 0.01m) - 0.01m, 0.99m);

    public static string Percent(decimal share) => Percent((double)share);

    public static string Percent(double share) => Math.Round(share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Sentences are the same on every machine, whatever its culture.</summary>
    public static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Money(decimal amount) => amount.ToString("$#,##0.00", CultureInfo.InvariantCulture);

    public static double? Days(DateTimeOffset? from, DateTimeOffset now) => from is { } at ? Math.Max((now - at).TotalDays, 0) : null;

    /// <summary>The median of the values, or null for none.</summary>
    public static decimal? Median(IReadOnlyList<decimal> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : Math.Round((sorted[middle - 1] + sorted[middle]) / 2m, 2);
    }
}
