using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Storage.Projections;
using Orleans.Configuration;

namespace Misty.Grains.Cases;

/// <summary>Rewrites every case's rows (cases, case_messages, case_events) from its case grain's stored state.</summary>
public sealed class CaseProjectionRebuilder(IGrainFactory grains, StoredGrainKeys keys, IOptions<ClusterOptions> cluster) : IProjectionRebuilder
{
    public string Name => "cases";

    public async Task<int> RebuildAsync(CancellationToken cancellationToken)
    {
        var cases = await keys.GuidKeysAsync(cluster.Value.ServiceId, CaseGrain.StateName, cancellationToken);
        var rebuilt = 0;
        foreach (var caseId in cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await grains.GetGrain<ICaseGrain>(caseId).RebuildProjectionAsync())
            {
                rebuilt++;
            }
        }

        return rebuilt;
    }
}
