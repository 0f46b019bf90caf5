namespace Misty.Grains.Interfaces.Workflows;

/// <summary>
/// One run of a workflow (key: execution_id). Its steps are durable: each step's result is stored before the next
/// step starts, and a run interrupted by a lost silo resumes elsewhere or ends as an error, never stays running.
/// </summary>
[Alias("Misty.IWorkflowExecutionGrain")]
public interface IWorkflowExecutionGrain : IGrainWithGuidKey
{
    /// <returns>The run, or null when there is none.</returns>
    [Alias("Get")]
    Task<ExecutionView?> GetAsync();

    /// <summary>Stores the new run and starts its steps; a repeated call for the same run changes nothing.</summary>
    [Alias("Start")]
    Task StartAsync(ExecutionStart start);

    /// <summary>Lets a blocked run go on past the step that waits for approval.</summary>
    [Alias("Approve")]
    Task<ExecutionCommandOutcome> ApproveAsync(string approvedBy, string? note);

    /// <summary>Ends a running or blocked run as an error; a step already under way is told to stop.</summary>
    [Alias("Cancel")]
    Task<ExecutionCommandOutcome> CancelAsync(string cancelledBy);

    /// <summary>Rewrites the workflow_executions row from the stored grain state; false when there is no stored state.</summary>
    [Alias("RebuildProjection")]
    Task<bool> RebuildProjectionAsync();
}
