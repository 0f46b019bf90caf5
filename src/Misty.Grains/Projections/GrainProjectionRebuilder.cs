using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Misty.Grains.Projections;

/// <summary>A kind of grain whose rows a rebuild rewrites: the name its state is stored under, and the call that rewrites one grain's rows.</summary>
public sealed record ProjectedGrainKind(string StateName, Func<IGrainFactory, Guid, Task<bool>> Rebuild);

/// <summary>
/// Rewrites a feature's rows from stored grain state: every grain of each kind that has stored state rewrites its own
/// rows, kind after kind in the order given (a run's row refers to its workflow's row).
/// </summary>
public sealed class GrainProjectionRebuilder(
    string name, IReadOnlyList<ProjectedGrainKind> kinds, IGrainFactory grains, StoredGrainKeys keys, IOptions<ClusterOptions> cluster) : IProjectionRebuilder
{
    public string Name => name;

    public async Task<int> RebuildAsync(CancellationToken cancellationToken)
    {
        var rebuilt = 0;
        foreach (var kind in kinds)
        {
            foreach (var key in await keys.GuidKeysAsync(cluster.Value.ServiceId, kind.StateName, cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                rebuilt += await kind.Rebuild(grains, key) ? 1 : 0;
            }
        }

        return rebuilt;
    }
}

public static class ProjectionRebuilderRegistration
{
    /// <summary>Registers the rebuild of <paramref name="name"/>'s rows for the rebuild-projections verb.</summary>
    public static IServiceCollection AddProjectionRebuilder(this IServiceCollection services, string name, params ProjectedGrainKind[] kinds) =>
        services.AddSingleton<IProjectionRebuilder>(provider => ActivatorUtilities.CreateInstance<GrainProjectionRebuilder>(provider, name, kinds));
}
