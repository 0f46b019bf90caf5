using System.Collections.Concurrent;
using Misty.Grains.Workflows.Engine;
using Orleans.Runtime;

namespace Misty.Tests.Workflows;

/// <summary>What the test plans saw, shared by every silo of the test process; keyed by run, so tests do not mix.</summary>
public static class WorkflowProbe
{
    /// <summary>How often each run's recording step ran.</summary>
    public static ConcurrentDictionary<Guid, int> Recorded { get; } = new();

    /// <summary>The silo where each run's slow step first started.</summary>
    public static ConcurrentDictionary<Guid, TaskCompletionSource<SiloAddress>> SlowStarted { get; } = new();

    public static TaskCompletionSource<SiloAddress> SlowStart(Guid executionId) =>
        SlowStarted.GetOrAdd(executionId, _ => new TaskCompletionSource<SiloAddress>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>One step that counts its runs and returns the run's input.</summary>
public sealed class RecordingPlan : IWorkflowPlan
{
    public const string PlanKey = "test-record";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("record", context =>
    {
        WorkflowProbe.Recorded.AddOrUpdate(context.ExecutionId, 1, (_, count) => count + 1);
        return Task.FromResult(new StepResult("Recorded.", context.InputAs<Dictionary<string, object>>()));
    })];
}

/// <summary>A step, a sign-off, a step.</summary>
public sealed class ApprovalPlan : IWorkflowPlan
{
    public const string PlanKey = "test-approval";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps =>
    [
        WorkflowStep.Action("prepare", _ => Task.FromResult(new StepResult("Prepared."))),
        WorkflowStep.Approval("sign-off", "Approve the test order."),
        WorkflowStep.Action("finish", _ => Task.FromResult(new StepResult("Finished."))),
    ];
}

/// <summary>A step that always fails: retryably three times, or not retryably when the input says <c>{"retryable": false}</c>.</summary>
public sealed class FailingPlan : IWorkflowPlan
{
    public const string PlanKey = "test-failing";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("call-supplier", context =>
    {
        if (context.InputAs<FailingInput>() is { Retryable: false })
        {
            throw new WorkflowStepException("The supplier rejected the order.");
        }

        context.Note("Calling the supplier feed.");
        throw new InvalidOperationException("supplier feed down");
    }, new RetryPolicy(3, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)))];

    private sealed record FailingInput(bool Retryable);
}

/// <summary>
/// A step that hangs on its first attempt (until its silo is killed or the run is cancelled) and finishes on the next;
/// registered twice, once safe to repeat and once not.
/// </summary>
public sealed class SlowPlan(ILocalSiloDetails silo, bool safeToRepeat) : IWorkflowPlan
{
    public const string SafeKey = "test-slow";
    public const string UnsafeKey = "test-slow-unsafe";

    public string Key => safeToRepeat ? SafeKey : UnsafeKey;

    public IReadOnlyList<WorkflowStep> Steps =>
    [
        WorkflowStep.Action("hang-once", async context =>
        {
            var started = WorkflowProbe.SlowStart(context.ExecutionId);
            if (started.TrySetResult(silo.SiloAddress))
            {
                await Task.Delay(Timeout.Infinite, context.Cancellation);
            }

            return new StepResult($"Done on {silo.SiloAddress}.");
        }, new RetryPolicy(3, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)), safeToRepeat),
        WorkflowStep.Action("finish", _ => Task.FromResult(new StepResult("Finished."))),
    ];
}
