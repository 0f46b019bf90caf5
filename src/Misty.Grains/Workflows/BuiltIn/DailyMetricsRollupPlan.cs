using System.Globalization;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Daily metrics roll-up: fixes the day first (the input's <c>date</c>, or yesterday in UTC), so every step of the
/// run, and a resumed one, works on the same day; then sales_metrics per channel and genre, then inventory_metrics per
/// genre. Stock has no history, so the inventory figures are only taken for yesterday or today.
/// </summary>
public sealed class DailyMetricsRollupPlan(MetricsRollup rollup) : IWorkflowPlan
{
    public const string PlanKey = "daily-metrics-rollup";
    public const string DayStep = "choose-day";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps =>
    [
        WorkflowStep.Action(DayStep, ChooseDay),
        WorkflowStep.Action("sales-metrics", RollUpSalesAsync),
        WorkflowStep.Action("inventory-metrics", RollUpInventoryAsync),
    ];

    private static Task<StepResult> ChooseDay(StepContext context)
    {
        var yesterday = Today(context).AddDays(-1);
        var day = context.InputAs<RollupInput>()?.Date is { } text
            ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw new WorkflowStepException($"The input's date '{text}' is not a yyyy-MM-dd date.")
            : yesterday;
        return Task.FromResult(new StepResult($"Rolling up {day:yyyy-MM-dd} (UTC).", new RollupDay(day)));
    }

    private async Task<StepResult> RollUpSalesAsync(StepContext context)
    {
        var day = DayOf(context);
        var rows = await rollup.RollUpSalesAsync(day, context.Cancellation);
        return new StepResult($"sales_metrics for {day:yyyy-MM-dd}: {rows} row(s) by channel and genre.", new { rows });
    }

    private async Task<StepResult> RollUpInventoryAsync(StepContext context)
    {
        var day = DayOf(context);
        if (day < Today(context).AddDays(-1))
        {
            return new StepResult($"inventory_metrics not taken for {day:yyyy-MM-dd}: stock has no history, so only yesterday or today can be measured.");
        }

        var rows = await rollup.RollUpInventoryAsync(day, context.Cancellation);
        return new StepResult($"inventory_metrics for {day:yyyy-MM-dd}: {rows} row(s) by genre.", new { rows });
    }

    private static DateOnly Today(StepContext context) => DateOnly.FromDateTime(context.Clock.GetUtcNow().UtcDateTime);

    private static DateOnly DayOf(StepContext context) =>
        context.OutputOf<RollupDay>(DayStep)?.Day ?? throw new WorkflowStepException("The day to roll up was not stored.");

    private sealed record RollupInput(string? Date);

    private sealed record RollupDay(DateOnly Day);
}
