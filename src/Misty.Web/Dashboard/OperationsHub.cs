using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Misty.Grains.Interfaces;
using Misty.Web.Inventory;
using Misty.Web.Security;

namespace Misty.Web.Dashboard;

/// <summary>
/// The staff dashboards' live connection. A client subscribes first and then reads the snapshot, keeping the events
/// that arrive meanwhile: it applies an event of version last + 1, drops older ones (duplicates) and re-reads the
/// snapshot when a version is skipped (a gap).
/// </summary>
[Authorize(Policy = MistyPolicies.Staff)]
public sealed class OperationsHub(StreamSubscriptions subscriptions, DashboardSnapshots snapshots) : Hub
{
    public const string Path = "/hubs/operations";

    /// <summary>The SignalR group of the all-key feeds: LowStock, MetricsTick, and the other features' dashboard events.</summary>
    public const string DashboardGroup = "dashboard";

    /// <summary>StockChanged and LowStock of one album.</summary>
    public Task SubscribeAlbum(Guid albumId) => FollowAsync(MistyStreams.Stock, albumId);

    public Task UnsubscribeAlbum(Guid albumId) => UnfollowAsync(MistyStreams.Stock, albumId);

    /// <summary>Every change of one support case.</summary>
    public Task SubscribeCase(Guid caseId) => FollowAsync(MistyStreams.Cases, caseId);

    public Task UnsubscribeCase(Guid caseId) => UnfollowAsync(MistyStreams.Cases, caseId);

    public async Task SubscribeDashboard()
    {
        await subscriptions.FeedsReady.WaitAsync(Context.ConnectionAborted);
        await Groups.AddToGroupAsync(Context.ConnectionId, DashboardGroup, Context.ConnectionAborted);
    }

    /// <summary>The album's current stock as its inventory grain holds it, with its version.</summary>
    public async Task<InventoryResponse> GetAlbumSnapshot(Guid albumId) =>
        await snapshots.GetAlbumAsync(albumId) ?? throw new HubException($"Album {albumId} does not exist.");

    public Task<DashboardSnapshot> GetDashboardSnapshot() => snapshots.GetDashboardAsync(Context.ConnectionAborted);

    public override Task OnDisconnectedAsync(Exception? exception) => subscriptions.LeaveAllAsync(Context.ConnectionId);

    private async Task FollowAsync(string streamNamespace, Guid key)
    {
        if (!await subscriptions.JoinAsync(Context.ConnectionId, streamNamespace, key))
        {
            throw new HubException($"A connection follows at most {StreamSubscriptions.MaxFollowedPerConnection} albums and cases; unsubscribe some first.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, StreamSubscriptions.GroupOf(streamNamespace, key), Context.ConnectionAborted);
    }

    private async Task UnfollowAsync(string streamNamespace, Guid key)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, StreamSubscriptions.GroupOf(streamNamespace, key), Context.ConnectionAborted);
        await subscriptions.LeaveAsync(Context.ConnectionId, streamNamespace, key);
    }
}
