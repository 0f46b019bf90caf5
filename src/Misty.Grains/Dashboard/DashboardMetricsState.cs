namespace Misty.Grains.Dashboard;

[GenerateSerializer]
public sealed class DashboardMetricsState
{
    /// <summary>The version of the last published figures: stored, so that it never goes back when the grain moves.</summary>
    [Id(0)]
    public long Version { get; set; }
}
