using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Expired-reservation sweep: reservations still stored as held after their time ran out are released through their
/// grains, which release any hold an inventory grain still keeps and store the reservation as expired. (Expired holds
/// never count against stock meanwhile; the sweep makes the stored state say so.)
/// </summary>
public sealed class ExpiredReservationSweepPlan(IGrainFactory grains, ReservationRecords records) : IWorkflowPlan
{
    public const string PlanKey = "expired-reservation-sweep";
    public const string FindStep = "find-expired";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action(FindStep, FindAsync), WorkflowStep.Action("release", ReleaseAsync)];

    private async Task<StepResult> FindAsync(StepContext context)
    {
        var found = await records.FindExpiredAsync(context.Clock.GetUtcNow(), context.Cancellation);
        return new StepResult($"{found.Count} expired reservation(s) still stored as held.", found);
    }

    private async Task<StepResult> ReleaseAsync(StepContext context)
    {
        var released = 0;
        foreach (var reservation in context.OutputOf<List<Guid>>(FindStep) ?? [])
        {
            context.Cancellation.ThrowIfCancellationRequested();
            // Releasing an expired reservation stores it as expired; a repeat (after a resumed run) changes nothing.
            if ((await grains.GetGrain<IReservationGrain>(reservation).ReleaseAsync()).Result == ReservationResult.Ok)
            {
                released++;
            }
        }

        return new StepResult($"Released {released} expired reservation(s).", new { released });
    }
}
