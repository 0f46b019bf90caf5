using Misty.Grains.Reservations;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Reservation record retention: every reservation leaves a record (its idempotency key's answer), and a busy storefront
/// leaves hundreds of thousands a day. Records of reservations that ended more than <see cref="Retention"/> ago are
/// deleted; a request reusing such a key after that is a new reservation.
/// </summary>
public sealed class ReservationRecordRetentionPlan(ReservationRecords reservations) : IWorkflowPlan
{
    public const string PlanKey = "reservation-record-retention";

    /// <summary>How long a key keeps its answer after its reservation expired: a week of retries, replays and reads.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>One statement's share: short enough not to hold up the writes of the day; a run goes on until none are left.</summary>
    private const int PerStatement = 10_000;

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("forget", ForgetAsync)];

    private async Task<StepResult> ForgetAsync(StepContext context)
    {
        var expiredBefore = context.Clock.GetUtcNow() - Retention;
        var forgotten = 0;
        int deleted;
        do
        {
            context.Cancellation.ThrowIfCancellationRequested();
            deleted = await reservations.ForgetAsync(expiredBefore, PerStatement, context.Cancellation);
            forgotten += deleted;
        }
        while (deleted == PerStatement);

        return new StepResult($"Forgot {forgotten} reservation record(s) that expired before {expiredBefore:u}.", new { forgotten });
    }
}
