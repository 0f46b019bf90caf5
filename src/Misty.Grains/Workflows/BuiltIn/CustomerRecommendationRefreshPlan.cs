using Misty.Grains.Recommendations;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Nightly: fits the recommender on every order, rewrites every customer's storefront list and records the model's
/// offline accuracy in ai_model_config. Safe to repeat: each run replaces the lists it wrote before.
/// </summary>
public sealed class CustomerRecommendationRefreshPlan(CustomerRecommendationRefresher refresher) : IWorkflowPlan
{
    public const string PlanKey = "customer-recommendation-refresh";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("refresh-recommendations", RefreshAsync)];

    private async Task<StepResult> RefreshAsync(StepContext context)
    {
        var summary = await refresher.RefreshAllAsync(context.Cancellation);
        return new StepResult(
            $"Wrote {summary.Rows} suggestion(s) for {summary.Customers} customer(s) in {summary.Elapsed.TotalSeconds:F1} s ({summary.Stages}); held-out hit rate@10 {summary.HitRate:P1}.",
            new { summary.Customers, summary.Rows, hitRateAt10 = summary.HitRate, recallAt10 = summary.Recall, seconds = summary.Elapsed.TotalSeconds });
    }
}
