using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Storage.Projections;
using Orleans.Configuration;

namespace Misty.Grains.Inventory;

/// <summary>Rewrites every album's inventory row from its inventory grain's stored state.</summary>
public sealed class InventoryProjectionRebuilder(IGrainFactory grains, StoredGrainKeys keys, IOptions<ClusterOptions> cluster) : IProjectionRebuilder
{
    public string Name => "inventory";

    public async Task<int> RebuildAsync(CancellationToken cancellationToken)
    {
        var albums = await keys.GuidKeysAsync(cluster.Value.ServiceId, InventoryGrain.StateName, cancellationToken);
        var rebuilt = 0;
        foreach (var album in albums)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await grains.GetGrain<IInventoryGrain>(album).RebuildProjectionAsync())
            {
                rebuilt++;
            }
        }

        return rebuilt;
    }
}
