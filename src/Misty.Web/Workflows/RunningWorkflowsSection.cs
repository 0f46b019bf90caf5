using Misty.Grains.Interfaces.Workflows;
using Misty.Web.Dashboard;

namespace Misty.Web.Workflows;

/// <summary>The dashboard's running workflows: the open runs' rows, shaped as their progress events.</summary>
public sealed class RunningWorkflowsSection(WorkflowRows rows) : IDashboardSection<WorkflowProgress>
{
    /// <summary>Enough to watch; more open runs at once would not be read.</summary>
    public const int Limit = 25;

    public async Task<IReadOnlyList<WorkflowProgress>> LoadAsync(CancellationToken cancellationToken) =>
        [.. (await rows.OpenExecutionsAsync(Limit, cancellationToken)).Select(run =>
            new WorkflowProgress(run.ExecutionId, run.WorkflowId, run.Status, run.ProgressPercentage, run.Version, run.UpdatedAt))];
}
