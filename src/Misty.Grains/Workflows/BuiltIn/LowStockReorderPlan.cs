using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Replenishment;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Low-stock reorder: reads the albums at or below their reorder point through their inventory grains (one album when
/// the input names it, as a LowStock event does), then plans each through the replenishment planner, the same code as
/// the nightly run and with the stock price the nightly run would find now. What is already on order counts, so a rerun
/// never orders twice.
/// </summary>
public sealed class LowStockReorderPlan(IGrainFactory grains, ReplenishmentSweep sweep, ReplenishmentStore store) : IWorkflowPlan
{
    public const string PlanKey = "low-stock-reorder";
    public const string FindStep = "find-low-stock";
    public const string QueueStep = "queue-reorders";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action(FindStep, FindAsync), WorkflowStep.Action(QueueStep, QueueAsync)];

    private async Task<StepResult> FindAsync(StepContext context)
    {
        var albums = context.InputAs<ReorderInput>()?.AlbumId is { } albumId
            ? [albumId]
            : await store.LowStockAlbumsAsync(context.Cancellation);
        var candidates = new List<PlanCandidate>();
        foreach (var album in albums)
        {
            // The grain, not the row, is the truth: the row may lag a change made a moment ago.
            if (await grains.GetGrain<IInventoryGrain>(album).GetAsync() is not { } stock)
            {
                context.Note($"Album {album} does not exist; skipped.");
            }
            else if (stock.Available <= stock.ReorderPoint)
            {
                candidates.Add(ReplenishmentRunPlan.Candidate(stock));
            }
        }

        return new StepResult($"{candidates.Count} album(s) at or below their reorder point.", candidates);
    }

    private async Task<StepResult> QueueAsync(StepContext context)
    {
        var today = DateOnly.FromDateTime(context.Clock.GetUtcNow().UtcDateTime);
        var queued = new List<PlannedReorder>();
        var albums = context.OutputOf<List<PlanCandidate>>(FindStep) ?? [];
        var policy = albums.Count == 0 ? ReplenishmentPolicy.Default : await sweep.PricedAsync(today, ReplenishmentPolicy.Default, context.Cancellation);
        foreach (var album in albums)
        {
            var outcome = await store.PlanAsync(album, today, policy, context.Cancellation);
            context.Note(outcome.Note);
            if (outcome.Reorder is { } reorder)
            {
                queued.Add(reorder);
            }
        }

        return new StepResult($"Queued {queued.Count} reorder(s).", queued);
    }

    /// <param name="AlbumId">Only this album (a LowStock event's album); all low albums when null.</param>
    private sealed record ReorderInput(Guid? AlbumId);
}
