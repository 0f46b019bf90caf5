using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Storage.Projections;
using Orleans.Configuration;

namespace Misty.Grains.Customers;

/// <summary>
/// Rewrites the rows of every customer that has grain state (customers, the current customer_segments row, and the
/// interactions and reviews still in the outboxes) from that state.
/// </summary>
public sealed class CustomerProjectionRebuilder(IGrainFactory grains, StoredGrainKeys keys, IOptions<ClusterOptions> cluster) : IProjectionRebuilder
{
    public string Name => "customers";

    public async Task<int> RebuildAsync(CancellationToken cancellationToken)
    {
        var customers = await keys.GuidKeysAsync(cluster.Value.ServiceId, CustomerGrain.StateName, cancellationToken);
        var rebuilt = 0;
        foreach (var customer in customers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await grains.GetGrain<ICustomerGrain>(customer).RebuildProjectionAsync())
            {
                rebuilt++;
            }
        }

        return rebuilt;
    }
}
