namespace Misty.Grains.Workflows.Engine;

/// <summary>
/// One step of a plan: an action, run until it succeeds or its retries are spent, or a point where the run waits for
/// a person's approval. Each step's result is stored before the next one starts.
/// </summary>
public sealed partial class WorkflowStep
{
    private WorkflowStep(string name, Func<StepContext, Task<StepResult>>? run, RetryPolicy retry, bool safeToRepeat, string? approvalPrompt)
    {
        Name = name;
        Run = run;
        Retry = retry;
        SafeToRepeat = safeToRepeat;
        ApprovalPrompt = approvalPrompt;
    }

    public string Name { get; }

    /// <summary>Null for an approval step.</summary>
    public Func<StepContext, Task<StepResult>>? Run { get; }

    public RetryPolicy Retry { get; }

    /// <summary>
    /// Whether an attempt cut short by a lost silo may run again. A step that is not (its effect cannot be checked for
    /// before it is repeated) ends the run as an error instead.
    /// </summary>
    public bool SafeToRepeat { get; }

    /// <summary>For an approval step: what the person is asked to approve.</summary>
    public string? ApprovalPrompt { get; }

    public bool IsApproval => ApprovalPrompt is not null;

    public static WorkflowStep Action(string name, Func<StepContext, Task<StepResult>> run, RetryPolicy? retry = null, bool safeToRepeat = true) =>
        new(name, run, retry ?? RetryPolicy.Default, safeToRepeat, null);

    public static WorkflowStep Approval(string name, string prompt) => new(name, null, RetryPolicy.Once, true, prompt);
}
