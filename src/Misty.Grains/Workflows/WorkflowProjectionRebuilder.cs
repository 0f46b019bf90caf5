using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Storage.Projections;
using Orleans.Configuration;

namespace Misty.Grains.Workflows;

/// <summary>Rewrites the workflows rows, then the workflow_executions rows, from their grains' stored state.</summary>
public sealed class WorkflowProjectionRebuilder(IGrainFactory grains, StoredGrainKeys keys, IOptions<ClusterOptions> cluster) : IProjectionRebuilder
{
    public string Name => "workflows";

    public async Task<int> RebuildAsync(CancellationToken cancellationToken)
    {
        var rebuilt = 0;
        // Workflows first: a run's row refers to its workflow's row.
        foreach (var workflow in await keys.GuidKeysAsync(cluster.Value.ServiceId, WorkflowGrain.StateName, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            rebuilt += await grains.GetGrain<IWorkflowGrain>(workflow).RebuildProjectionAsync() ? 1 : 0;
        }

        foreach (var execution in await keys.GuidKeysAsync(cluster.Value.ServiceId, WorkflowExecutionGrain.StateName, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            rebuilt += await grains.GetGrain<IWorkflowExecutionGrain>(execution).RebuildProjectionAsync() ? 1 : 0;
        }

        return rebuilt;
    }
}
