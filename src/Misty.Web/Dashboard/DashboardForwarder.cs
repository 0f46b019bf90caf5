namespace Misty.Web.Dashboard;

/// <summary>
/// This node's part of the dashboards' backplane: it subscribes to the Orleans streams and forwards what arrives to
/// its own SignalR clients, so every node serves its clients from the streams and no SignalR backplane is needed.
/// </summary>
public sealed class DashboardForwarder(DashboardOutbox outbox, StreamSubscriptions subscriptions) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(outbox.RunAsync(stoppingToken), subscriptions.SubscribeFeedsAsync(stoppingToken));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Before the co-hosted silo stops (hosted services stop in reverse order), so the streams forget this node.
        await subscriptions.UnsubscribeAllAsync();
        await base.StopAsync(cancellationToken);
    }
}
