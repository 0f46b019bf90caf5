namespace Misty.Grains.Interfaces.Dashboard;

/// <summary>
/// The one grain (key: <see cref="MistyStreams.AllKey"/>) that computes the dashboard figures for the whole cluster
/// and publishes each change as a <see cref="MetricsTick"/> on the metrics stream's all-key feed.
/// </summary>
[Alias("Misty.IDashboardMetricsGrain")]
public interface IDashboardMetricsGrain : IGrainWithStringKey
{
    /// <summary>The latest figures, with their version; starts the periodic computation if it was not running.</summary>
    [Alias("Get")]
    Task<MetricsTick> GetAsync();
}
