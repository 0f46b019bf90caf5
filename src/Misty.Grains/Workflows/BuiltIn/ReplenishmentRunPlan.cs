using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Replenishment;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Replenishment run: every album's stock position against its forecast, from the projected rows; the albums that may
/// fall short are planned from their inventory grain's stock and queued, all with the stock price every album's forecast
/// sets. Run after the nightly forecast refresh.
/// </summary>
public sealed class ReplenishmentRunPlan(IGrainFactory grains, ReplenishmentSweep sweep, ReplenishmentStore store) : IWorkflowPlan
{
    public const string PlanKey = "replenishment-run";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("plan-albums", PlanAsync)];

    public static PlanCandidate Candidate(InventorySnapshot stock) =>
        new(stock.AlbumId, stock.Sku, stock.Quantity, stock.Reserved, stock.ReorderPoint, stock.OptimalStockLevel);

    private async Task<StepResult> PlanAsync(StepContext context)
    {
        var today = DateOnly.FromDateTime(context.Clock.GetUtcNow().UtcDateTime);
        var (albums, reviewed, policy) = await sweep.AlbumsToPlanAsync(today, ReplenishmentPolicy.Default, context.Cancellation);
        var queued = 0;
        foreach (var album in albums)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (await grains.GetGrain<IInventoryGrain>(album).GetAsync() is not { } stock)
            {
                continue;
            }

            var outcome = await store.PlanAsync(Candidate(stock), today, policy, context.Cancellation);
            if (outcome.Reorder is not null)
            {
                queued++;
                context.Note(outcome.Note);
            }
        }

        return new StepResult($"Reviewed {reviewed} album(s), planned {albums.Count}, queued or topped up {queued} reorder(s).",
            new { reviewed, planned = albums.Count, queued });
    }
}
