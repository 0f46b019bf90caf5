using Misty.Grains.Interfaces.Inventory;
using Misty.Web.Inventory;

namespace Misty.Web.Dashboard;

/// <param name="Feeds">The event names this node forwards: a dashboard section whose event is missing has no feature behind it yet.</param>
/// <param name="Sections">Each section's current state, as its own events with their versions, under the event name.</param>
public sealed record DashboardSnapshot(IReadOnlyList<string> Feeds, IReadOnlyDictionary<string, IReadOnlyList<object>> Sections);

/// <summary>The states a client starts from before it applies live events.</summary>
public sealed class DashboardSnapshots(IGrainFactory grains, DashboardEventMap events, IEnumerable<DashboardSection> sections, IServiceProvider services)
{
    private readonly IReadOnlyList<DashboardSection> _sections = [.. sections];

    public async Task<InventoryResponse?> GetAlbumAsync(Guid albumId) =>
        await grains.GetGrain<IInventoryGrain>(albumId).GetAsync() is { } snapshot ? InventoryResponse.From(snapshot) : null;

    public async Task<DashboardSnapshot> GetDashboardAsync(CancellationToken cancellationToken)
    {
        var loaded = await Task.WhenAll(_sections.Select(section => section.LoadAsync(services, cancellationToken)));
        var byName = _sections.Zip(loaded).ToDictionary(pair => pair.First.EventName, pair => pair.Second, StringComparer.Ordinal);
        return new DashboardSnapshot(events.ClientMethods, byName);
    }
}
