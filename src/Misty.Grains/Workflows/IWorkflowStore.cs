using Misty.Grains.Interfaces.Workflows;

namespace Misty.Grains.Workflows;

/// <summary>
/// The relational side of workflows: the workflows and workflow_executions rows, projections of the grains' stored
/// state. Idempotent, and a row only moves forward in version unless <c>overwrite</c> rebuilds it from the grain.
/// </summary>
public interface IWorkflowStore
{
    Task ProjectWorkflowAsync(WorkflowView workflow, bool overwrite, CancellationToken cancellationToken);

    Task ProjectExecutionAsync(ExecutionView execution, bool overwrite, CancellationToken cancellationToken);
}
