namespace Misty.Grains.Workflows.Engine;

/// <summary>
/// The steps of a workflow, in order: the code a workflow's definition names by <see cref="Key"/>. Registered in the
/// silo's services, so a plan gets what its steps need (the database, the grain factory) by injection.
/// </summary>
public interface IWorkflowPlan
{
    string Key { get; }

    IReadOnlyList<WorkflowStep> Steps { get; }
}

/// <summary>The registered plans, by key.</summary>
public sealed class WorkflowPlans(IEnumerable<IWorkflowPlan> plans)
{
    private readonly Dictionary<string, IWorkflowPlan> _plans = plans.ToDictionary(plan => plan.Key, StringComparer.Ordinal);

    public IWorkflowPlan? Find(string key) => _plans.GetValueOrDefault(key);
}
