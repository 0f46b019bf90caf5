namespace Misty.Grains.Projections;

/// <summary>
/// Rebuilds one feature's relational rows from its grains' stored state (the source of truth). Each feature with
/// projected rows registers one; the rebuild-projections verb runs them all.
/// </summary>
public interface IProjectionRebuilder
{
    /// <summary>What is rebuilt, e.g. "inventory".</summary>
    string Name { get; }

    /// <returns>How many entities were rebuilt.</returns>
    Task<int> RebuildAsync(CancellationToken cancellationToken);
}
