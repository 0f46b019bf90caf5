using System.Globalization;

namespace Misty.Grains.Agents;

/// <summary>Which agent calls wait for a person (configuration section Misty:Agents:Approvals).</summary>
public sealed record ApprovalOptions
{
    public const string Section = "Misty:Agents:Approvals";

    /// <summary>A restock of more units than this is held.</summary>
    public int RestockUnitsAbove { get; init; } = 50;
    public bool HoldStockAdjustments { get; init; } = true;
    public bool HoldCancellations { get; init; } = true;
    public bool HoldRefunds { get; init; } = true;
    /// <summary>Approving a reorder worth more than this (in the store's currency) is held.</summary>
    public decimal ReorderValueAbove { get; init; } = 500m;
    /// <summary>Accepting an insight that changes an album's price is held.</summary>
    public bool HoldPriceChanges { get; init; } = true;
    /// <summary>A held call not decided within this time expires and is never executed.</summary>
    public TimeSpan ExpiresAfter { get; init; } = TimeSpan.FromHours(24);
    /// <summary>
    /// An approved call still not recorded as done after this long is taken to be cut short (its node died between
    /// executing and recording) and is executed again under the same idempotency key, so its write still lands once.
    /// </summary>
    public TimeSpan ExecutionLease { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How often each web node looks for such cut-short approvals.</summary>
    public TimeSpan ResumeCheckEvery { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Decides whether a tool call runs now or waits for a manager. Tools it does not name always run.</summary>
public sealed class ApprovalPolicy(ApprovalOptions options)
{
    public ApprovalOptions Options => options;

    /// <returns>Why the call must be approved first, or null when it may run now.</returns>
    public string? ReasonToHold(string tool, IReadOnlyDictionary<string, object?> arguments) => tool switch
    {
        "restock_album" when Number(arguments, "quantity") > options.RestockUnitsAbove =>
            $"A restock of more than {options.RestockUnitsAbove} units needs a manager's approval.",
        "adjust_stock" when options.HoldStockAdjustments => "Every stock adjustment needs a manager's approval.",
        "cancel_order" when options.HoldCancellations => "Every cancellation needs a manager's approval.",
        "refund_payment" when options.HoldRefunds => "Every refund needs a manager's approval.",
        "approve_reorder" when arguments.TryGetValue("totalValue", out var value) && value is null =>
            "Approving a reorder whose value is not known (no supplier price) needs a manager's approval.",
        "approve_reorder" when Number(arguments, "totalValue") > options.ReorderValueAbove =>
            $"Approving a reorder worth more than {options.ReorderValueAbove.ToString(CultureInfo.InvariantCulture)} needs a manager's approval.",
        "accept_insight" when options.HoldPriceChanges && arguments.TryGetValue("changesPrice", out var changes) && changes is true =>
            "Accepting an insight that changes a price needs a manager's approval.",
        _ => null,
    };

    private static decimal Number(IReadOnlyDictionary<string, object?> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && value is not null
            ? Convert.ToDecimal(value, CultureInfo.InvariantCulture)
            : 0m;
}
