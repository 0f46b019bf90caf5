namespace Misty.Grains.Interfaces.Workflows;

/// <summary>
/// One workflow (key: workflow_id): its definition, trigger and statistics. One activation in the whole cluster, so
/// a schedule or an event starts one run, not one per silo.
/// </summary>
[Alias("Misty.IWorkflowGrain")]
public interface IWorkflowGrain : IGrainWithGuidKey
{
    /// <returns>The workflow, or null when it has not been defined.</returns>
    [Alias("Get")]
    Task<WorkflowView?> GetAsync();

    /// <summary>
    /// Defines the workflow the first time; later calls update only name, description and plan, so that an admin's
    /// trigger and enabled flag survive every restart that defines the built-in workflows again.
    /// </summary>
    [Alias("Define")]
    Task<WorkflowView> DefineAsync(WorkflowDefinition definition);

    [Alias("Update")]
    Task<WorkflowUpdateOutcome> UpdateAsync(WorkflowUpdate update);

    /// <summary>Starts a run; answers once the run is stored, before its first step.</summary>
    [Alias("Run")]
    Task<RunOutcome> RunAsync(RunRequest request);

    /// <summary>Counts a finished run in the statistics, once however often it is reported.</summary>
    [Alias("RecordFinished")]
    Task RecordFinishedAsync(ExecutionFinished finished);

    /// <summary>Rewrites the workflows row from the stored grain state; false when there is no stored state.</summary>
    [Alias("RebuildProjection")]
    Task<bool> RebuildProjectionAsync();
}
