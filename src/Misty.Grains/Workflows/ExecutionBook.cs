using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows;

/// <summary>
/// The rules of one run, over its state: which step is next, what an attempt's success or failure does, blocking,
/// approval, cancellation, and the bounded log. Every change that callers can see raises the version by one; an
/// operation that does not apply in the run's status changes nothing. Pure: the execution grain stores what this
/// changes, and runs the steps.
/// </summary>
public sealed class ExecutionBook(ExecutionState state, int maxLogEntries)
{
    /// <summary>Longer log messages are cut here, so one chatty step cannot fill the log alone.</summary>
    public const int MaxMessageLength = 1_000;

    public ExecutionState State => state;

    public int ProgressPercentage =>
        state.Status == ExecutionStatus.Complete ? 100
        : state.Steps.Count == 0 ? 0
        : state.Steps.Count(step => step.Status is StepStatus.Done or StepStatus.Approved) * 100 / state.Steps.Count;

    public StepView? CurrentStep => state.CurrentStep < state.Steps.Count ? state.Steps[state.CurrentStep] : null;

    public void Start(Guid executionId, ExecutionStart start, IReadOnlyList<string> steps, DateTimeOffset now)
    {
        state.Exists = true;
        state.WorkflowId = start.WorkflowId;
        state.Plan = start.Plan;
        state.ExecutionNumber = start.ExecutionNumber;
        state.Description = start.Description;
        state.Trigger = start.Trigger;
        state.TriggeredBy = start.TriggeredBy;
        state.Input = start.Input;
        state.RetryOf = start.RetryOf;
        state.Status = ExecutionStatus.Running;
        state.Steps = [.. steps.Select(name => new StepView(name, StepStatus.Pending, 0, null, null, null))];
        state.CurrentStep = 0;
        state.StartTime = now;
        Log(now, LogSeverity.Info, null, start.RetryOf is { } original
            ? $"{start.Description} (execution {executionId}, retrying execution {original})."
            : $"{start.Description} (execution {executionId}).");
        Changed(now);
    }

    /// <summary>
    /// True when the current step was under way when the run's last activation ended: its silo was lost, or the grain
    /// was deactivated, in the middle of an attempt.
    /// </summary>
    public bool WasInterrupted => state.Status == ExecutionStatus.Running && CurrentStep?.Status == StepStatus.Running;

    public void BeginAttempt(int maxAttempts, DateTimeOffset now)
    {
        if (state.Status != ExecutionStatus.Running)
        {
            return;
        }

        var step = CurrentStep!;
        var attempt = step.Attempts + 1;
        Replace(step with { Status = StepStatus.Running, Attempts = attempt, StartedAt = step.StartedAt ?? now });
        Log(now, LogSeverity.Info, step.Name, maxAttempts > 1 ? $"Attempt {attempt} of {maxAttempts}." : "Started.");
        Changed(now);
    }

    public void Succeed(StepResult result, string? output, IReadOnlyList<string> notes, DateTimeOffset now)
    {
        if (state.Status != ExecutionStatus.Running)
        {
            return;
        }

        var step = CurrentStep!;
        Notes(step.Name, notes, now);
        Replace(step with { Status = StepStatus.Done, Output = output, EndedAt = now });
        Log(now, LogSeverity.Info, step.Name, result.Summary);
        if (result.EndsRun)
        {
            state.CurrentStep++;
            End(ExecutionStatus.Complete, null, now);
        }
        else
        {
            Advance(now);
        }

        Changed(now);
    }

    /// <summary>Records a failed attempt: the step waits to be retried, or the run ends as an error.</summary>
    /// <returns>How long to wait before the next attempt, or null when the run has ended.</returns>
    public TimeSpan? FailAttempt(string message, bool retryable, RetryPolicy retry, IReadOnlyList<string> notes, DateTimeOffset now)
    {
        if (state.Status != ExecutionStatus.Running)
        {
            return null;
        }

        var step = CurrentStep!;
        Notes(step.Name, notes, now);
        if (retryable && step.Attempts < retry.MaxAttempts)
        {
            var delay = retry.DelayAfter(step.Attempts);
            Replace(step with { Status = StepStatus.Retrying });
            Log(now, LogSeverity.Warning, step.Name, $"Attempt {step.Attempts} failed: {message} Retrying in {delay.TotalSeconds:0.###} s.");
            Changed(now);
            return delay;
        }

        var attempts = step.Attempts == 1 ? "1 attempt" : $"{step.Attempts} attempts";
        var reason = retryable ? $"Step '{step.Name}' failed after {attempts}: {message}" : $"Step '{step.Name}' failed (not retryable): {message}";
        Replace(step with { Status = StepStatus.Failed, EndedAt = now });
        End(ExecutionStatus.Error, reason, now);
        Changed(now);
        return null;
    }

    /// <summary>Ends the run as an error for a reason outside any one attempt (a lost silo, a missing plan).</summary>
    public void Fail(string reason, DateTimeOffset now)
    {
        if (state.IsFinished)
        {
            return;
        }

        if (CurrentStep is { } step)
        {
            Replace(step with { Status = StepStatus.Failed, EndedAt = now });
        }

        End(ExecutionStatus.Error, reason, now);
        Changed(now);
    }

    /// <summary>Records that the interrupted attempt will be followed by another.</summary>
    public void NoteResumed(DateTimeOffset now)
    {
        if (state.Status != ExecutionStatus.Running)
        {
            return;
        }

        var step = CurrentStep!;
        Replace(step with { Status = StepStatus.Retrying });
        Log(now, LogSeverity.Warning, step.Name, $"Attempt {step.Attempts} was cut short (its silo stopped); resuming.");
        Changed(now);
    }

    public void Block(string prompt, DateTimeOffset now)
    {
        if (state.Status != ExecutionStatus.Running)
        {
            return;
        }

        var step = CurrentStep!;
        Replace(step with { Status = StepStatus.Waiting, StartedAt = now });
        state.Status = ExecutionStatus.Blocked;
        Log(now, LogSeverity.Info, step.Name, $"Waiting for approval: {prompt}");
        Changed(now);
    }

    /// <returns>False when the run is not waiting for approval.</returns>
    public bool Approve(string approvedBy, string? note, DateTimeOffset now)
    {
        if (state.Status != ExecutionStatus.Blocked)
        {
            return false;
        }

        var step = CurrentStep!;
        var output = WorkflowJson.Serialize(new { approvedBy, note, approvedAt = now });
        Replace(step with { Status = StepStatus.Approved, Output = output, EndedAt = now });
        Log(now, LogSeverity.Info, step.Name, note is null ? $"Approved by {approvedBy}." : $"Approved by {approvedBy}: {note}");
        state.Status = ExecutionStatus.Running;
        Advance(now);
        Changed(now);
        return true;
    }

    /// <returns>False when the run has already ended.</returns>
    public bool Cancel(string cancelledBy, DateTimeOffset now)
    {
        if (state.IsFinished)
        {
            return false;
        }

        End(ExecutionStatus.Error, $"Cancelled by {cancelledBy}.", now);
        Changed(now);
        return true;
    }

    /// <summary>Adds an entry, dropping the oldest beyond the limit. Not a change by itself: callers that log also change.</summary>
    public void Log(DateTimeOffset at, LogSeverity severity, string? step, string message)
    {
        var text = message.Length > MaxMessageLength ? message[..(MaxMessageLength - 1)] + "…" : message;
        state.Log.Add(new ExecutionLogEntry(at, severity, step, text));
        var excess = state.Log.Count - maxLogEntries;
        if (excess > 0)
        {
            state.Log.RemoveRange(0, excess);
            state.DroppedLogEntries += excess;
        }
    }

    /// <summary>The stored results of the steps that have one, by step name.</summary>
    public IReadOnlyDictionary<string, string?> Outputs() =>
        state.Steps.Where(step => step.Output is not null).ToDictionary(step => step.Name, step => step.Output, StringComparer.Ordinal);

    /// <param name="awaitingApproval">While blocked: the approval step's prompt (the plan, not the state, holds it).</param>
    public ExecutionView View(Guid executionId, string? awaitingApproval) => new(
        executionId, state.WorkflowId, state.ExecutionNumber, state.Status, state.Description, state.Trigger, state.TriggeredBy,
        state.Input, state.RetryOf, ProgressPercentage, state.StartTime, state.EndTime, DurationMs, [.. state.Log], state.DroppedLogEntries,
        state.ErrorMessage, [.. state.Steps], state.Status == ExecutionStatus.Blocked ? awaitingApproval : null, state.Version);

    public int? DurationMs => state.EndTime is { } end ? (int)Math.Min(int.MaxValue, Math.Max(0, (end - state.StartTime).TotalMilliseconds)) : null;

    private void Advance(DateTimeOffset now)
    {
        state.CurrentStep++;
        if (state.CurrentStep >= state.Steps.Count)
        {
            End(ExecutionStatus.Complete, null, now);
        }
    }

    private void End(ExecutionStatus status, string? error, DateTimeOffset now)
    {
        for (var i = state.CurrentStep; i < state.Steps.Count; i++)
        {
            if (state.Steps[i].Status is StepStatus.Pending or StepStatus.Running or StepStatus.Retrying or StepStatus.Waiting)
            {
                state.Steps[i] = state.Steps[i] with { Status = StepStatus.Skipped };
            }
        }

        state.Status = status;
        state.ErrorMessage = error;
        state.EndTime = now;
        Log(now, status == ExecutionStatus.Complete ? LogSeverity.Info : LogSeverity.Error, null,
            status == ExecutionStatus.Complete ? $"Complete in {DurationMs} ms." : error!);
    }

    private void Notes(string step, IReadOnlyList<string> notes, DateTimeOffset now)
    {
        foreach (var note in notes)
        {
            Log(now, LogSeverity.Info, step, note);
        }
    }

    private void Replace(StepView step) => state.Steps[state.CurrentStep] = step;

    /// <summary>Each public operation is one change, however many fields it touches.</summary>
    private void Changed(DateTimeOffset now)
    {
        state.Version++;
        state.UpdatedAt = now;
    }
}
