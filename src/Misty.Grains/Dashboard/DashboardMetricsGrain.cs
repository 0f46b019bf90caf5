using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Dashboard;
using Orleans.Runtime;
using Orleans.Streams;

namespace Misty.Grains.Dashboard;

/// <summary>
/// Computes the dashboard figures once for the whole cluster, every <see cref="Period"/>, and publishes them when they
/// changed. A reminder brings it back after its silo is lost; its timer keeps it active meanwhile.
/// </summary>
[GrainType("dashboard-metrics")]
public sealed class DashboardMetricsGrain(
    [PersistentState(DashboardMetricsGrain.StateName)] IPersistentState<DashboardMetricsState> state,
    IMetricsSource source,
    TimeProvider clock,
    ILogger<DashboardMetricsGrain> logger) : Grain, IDashboardMetricsGrain, IRemindable
{
    public const string StateName = "dashboard-metrics";
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private const string KeepAliveReminder = "keep-computing";
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromMinutes(1);

    private StatePipeline<DashboardMetricsState, MetricsTick> _pipeline = null!;
    private MetricsTick? _latest;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var feed = this.GetStreamProvider(MistyStreams.Provider)
            .GetStream<MetricsTick>(StreamId.Create(MistyStreams.Metrics, MistyStreams.AllKey));
        // A tick that fails to go out is logged: dashboards see the next version skip it and re-read the snapshot.
        _pipeline = new StatePipeline<DashboardMetricsState, MetricsTick>(this, state.State, new()
        {
            Write = state.Writer(),
            Publish = async ticks =>
            {
                foreach (var tick in ticks)
                {
                    await feed.OnNextAsync(tick);
                }
            },
        }, logger, "the dashboard figures");
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions { DueTime = Period, Period = Period, KeepAlive = true });
        await this.RegisterOrUpdateReminder(KeepAliveReminder, KeepAlivePeriod, KeepAlivePeriod, cancellationToken);
    }

    public async Task<MetricsTick> GetAsync()
    {
        if (_latest is null)
        {
            await RefreshAsync(CancellationToken.None);
        }

        return _latest!;
    }

    // Its only purpose is to activate the grain (and so its timer) again after the silo that held it is gone.
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next tick tries again; dashboards keep the last figures meanwhile.
            logger.LogWarning(ex, "Computing the dashboard figures failed.");
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var figures = await source.ReadAsync(now, cancellationToken);
        if (_latest is not null && figures.SameAs(_latest))
        {
            return;
        }

        var tick = new MetricsTick(++_pipeline.Current.Version, now, figures.Day, figures.Channels, figures.Minutes);
        _pipeline.Announce(tick);
        await _pipeline.StoreAsync();
        _latest = tick;
    }
}
