namespace Misty.Grains.Interfaces;

/// <summary>Names shared by every producer and consumer of Misty's Orleans streams.</summary>
public static class MistyStreams
{
    public const string Provider = "misty";

    public const string Stock = "stock";
    public const string Orders = "orders";
    public const string Fraud = "fraud";
    public const string Cases = "cases";
    public const string Workflows = "workflows";
    public const string Metrics = "metrics";
    public const string Agents = "agents";
    public const string Replenishment = "replenishment";
    public const string Insights = "insights";
    public const string Knowledge = "knowledge";

    /// <summary>
    /// The key of each namespace's feed of events about all its entities (e.g. every LowStock, every CaseChanged),
    /// for dashboards; per-entity streams are keyed by the entity's id.
    /// </summary>
    public const string AllKey = "all";
}
