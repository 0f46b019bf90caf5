using Misty.Grains.Insights;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Nightly: raises the merchandising insights (pricing, promotion, customer win-back) from the day's rows, refreshes the
/// open ones, lets those whose reason is gone expire, and records the engine in ai_model_config. Safe to repeat: one open
/// insight per type and subject, and a decided one is not raised again before it expires. First it applies, like an
/// accept, the insights a manager scheduled for today or before: the nightly run is what makes a schedule happen.
/// </summary>
public sealed class InsightsRefreshPlan(InsightsEngine engine, InsightDecisions decisions, TimeProvider clock) : IWorkflowPlan
{
    public const string PlanKey = "insights-refresh";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("apply-scheduled", ApplyScheduledAsync), WorkflowStep.Action("raise-insights", RaiseAsync)];

    private async Task<StepResult> ApplyScheduledAsync(StepContext context)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var run = await decisions.ApplyDueAsync(today, context.Cancellation);
        var refused = run.Refusals.Count == 0 ? "" : $" Left scheduled: {string.Join("; ", run.Refusals)}.";
        return new StepResult($"Applied {run.Applied} of {run.Due} insight(s) scheduled for {today:yyyy-MM-dd} or before.{refused}",
            new { run.Due, run.Applied, refused = run.Refusals });
    }

    private async Task<StepResult> RaiseAsync(StepContext context)
    {
        var run = await engine.RunAsync(context.Cancellation);
        return new StepResult(
            $"{run.Pricing} pricing, {run.Promotion} promotion and {run.WinBack} win-back insight(s) from {run.Albums} albums and {run.Customers} quiet customers: " +
            $"{run.Raised} new, {run.Refreshed} refreshed, {run.Expired} expired, in {run.Elapsed.TotalSeconds:F1} s.",
            new
            {
                run.Albums,
                run.Customers,
                run.Pricing,
                run.Promotion,
                run.WinBack,
                run.Raised,
                run.Refreshed,
                run.Expired,
                idleSignalPrecision = run.IdleSignalPrecision,
                seconds = run.Elapsed.TotalSeconds,
            });
    }
}
