using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Case SLA sweep: every open case's grain checks its service levels. A case grain's own reminder watches its clocks,
/// but a case that exists only as rows (seeded, or imported) has no grain and no reminder until something touches it;
/// the sweep gives each one its check, its warnings and escalations, and from then on its reminder. Repeating the
/// sweep changes nothing that has not come due.
/// </summary>
public sealed class CaseSlaSweepPlan(IGrainFactory grains, RowKeys keys) : IWorkflowPlan
{
    public const string PlanKey = "case-sla-sweep";

    private const int PageSize = 100;

    private const string OpenCases =
        "SELECT case_id FROM cases WHERE status IN ('pending', 'in_progress') AND case_id > @after ORDER BY case_id LIMIT @limit";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("check-open-cases", CheckAsync)];

    private async Task<StepResult> CheckAsync(StepContext context)
    {
        var (checkedCases, changed) = (0, 0);
        await foreach (var page in keys.PagesAsync(OpenCases, PageSize, context.Cancellation))
        {
            var outcomes = await Task.WhenAll(page.Select(caseId => grains.GetGrain<ICaseGrain>(caseId).CheckServiceLevelsAsync()));
            checkedCases += outcomes.Length;
            changed += outcomes.Count(outcome => outcome);
        }

        return new StepResult($"Checked {checkedCases} open case(s); {changed} changed (assigned, warned or escalated).",
            new { checkedCases, changed });
    }
}
