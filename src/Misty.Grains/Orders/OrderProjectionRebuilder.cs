using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Storage.Projections;
using Orleans.Configuration;

namespace Misty.Grains.Orders;

/// <summary>Rewrites the rows of every order that has grain state (orders, order_items, payments, shipments) from that state.</summary>
public sealed class OrderProjectionRebuilder(IGrainFactory grains, StoredGrainKeys keys, IOptions<ClusterOptions> cluster) : IProjectionRebuilder
{
    public string Name => "orders";

    public async Task<int> RebuildAsync(CancellationToken cancellationToken)
    {
        var orders = await keys.GuidKeysAsync(cluster.Value.ServiceId, OrderGrain.StateName, cancellationToken);
        var rebuilt = 0;
        foreach (var order in orders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await grains.GetGrain<IOrderGrain>(order).RebuildProjectionAsync())
            {
                rebuilt++;
            }
        }

        return rebuilt;
    }
}
