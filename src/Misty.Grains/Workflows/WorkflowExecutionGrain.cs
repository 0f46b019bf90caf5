using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows.Engine;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Streams;

namespace Misty.Grains.Workflows;

/// <summary>
/// One run. Its steps run in the background of the activation, so the run can be read, approved or cancelled while a
/// step is under way (hence reentrant; every change is made in one turn and stored with group commit). Each attempt is
/// stored before it starts and each result before the next step: a run cut short by a lost silo is resumed by its
/// reminder on another silo, where the interrupted step runs again or, when it is not safe to repeat or has no attempt
/// left, the run ends as an error with the reason. Progress is published, and rows projected, only after it is stored.
/// </summary>
[Reentrant]
[GrainType("workflow-execution")]
public sealed class WorkflowExecutionGrain(
    [PersistentState(WorkflowExecutionGrain.StateName)] IPersistentState<ExecutionState> state,
    WorkflowPlans plans,
    IWorkflowStore store,
    [FromKeyedServices(WorkflowClock.Key)] TimeProvider clock,
    IOptions<WorkflowOptions> options,
    ILogger<WorkflowExecutionGrain> logger) : Grain, IWorkflowExecutionGrain, IRemindable
{
    public const string StateName = "workflow-execution";
    private const string ResumeReminder = "resume";
    private static readonly TimeSpan RetryAfterTrouble = TimeSpan.FromSeconds(5);

    private StatePipeline<ExecutionState, WorkflowProgress> _pipeline = null!;
    private ExecutionBook _journal = null!;
    /// <summary>The view of the last stored state (what callers are shown), and the state it was made from.</summary>
    private (ExecutionState? Of, ExecutionView? View) _storedView;
    private CancellationTokenSource? _stepCancellation;
    private bool _running;
    private bool _deactivating;

    private Guid ExecutionId => this.GetPrimaryKey();

    private ExecutionState Live => _pipeline.Live;

    /// <summary>The last state known to be stored, as callers see it and rows are made from.</summary>
    private ExecutionView? Stored
    {
        get
        {
            if (_pipeline.Stored is { } stored && !ReferenceEquals(stored, _storedView.Of))
            {
                _storedView = (stored, View(stored));
            }

            return _storedView.View;
        }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var streams = this.GetStreamProvider(MistyStreams.Provider);
        var stream = streams.GetStream<WorkflowProgress>(StreamId.Create(MistyStreams.Workflows, ExecutionId));
        var feed = streams.GetStream<WorkflowProgress>(StreamId.Create(MistyStreams.Workflows, MistyStreams.AllKey));
        _pipeline = new StatePipeline<ExecutionState, WorkflowProgress>(this, state.State, new()
        {
            GroupCommit = true,
            Write = state.Writer(),
            Publish = async progress =>
            {
                foreach (var change in progress)
                {
                    await stream.OnNextAsync(change);
                    await feed.OnNextAsync(change);
                }
            },
            Version = stored => stored.Version,
            Project = (_, overwrite) => store.ProjectExecutionAsync(Stored!, overwrite, CancellationToken.None),
            Deliver = ReportFinishedAsync,
            Delivered = stored => !stored.IsFinished || stored.FinishReported || Live.FinishReported,
            // Registered before each write: a running run is resumed by it, an ended one still has its rows and report to send.
            Reminder = ResumeReminder,
            ReminderPeriod = options.Value.ResumeCheckPeriod,
            KeepsReminder = () => Live.Status == ExecutionStatus.Running,
        }, logger, $"run {ExecutionId}");
        _journal = new ExecutionBook(Live, options.Value.MaxLogEntries);
        if (state.RecordExists)
        {
            // A crash may have come between storing a change and projecting it; replaying is idempotent.
            _pipeline.Resume();
        }

        // A run still marked running lost its silo (or its activation) mid-step: carry on from the stored step.
        StartRunning();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The step under way stops; the resume reminder stays, so the run carries on wherever the grain activates next.
        _deactivating = true;
        _stepCancellation?.Cancel();
        return Task.CompletedTask;
    }

    public Task<ExecutionView?> GetAsync() => Task.FromResult(Stored);

    public async Task StartAsync(ExecutionStart start)
    {
        if (Live.Exists)
        {
            return;
        }

        var plan = plans.Find(start.Plan);
        var now = clock.GetUtcNow();
        await ChangeAsync(journal => journal.Start(ExecutionId, start, plan?.Steps.Select(step => step.Name).ToList() ?? [], now));
        if (plan is null)
        {
            await ChangeAsync(journal => journal.Fail($"No plan named '{start.Plan}' is registered on this silo.", clock.GetUtcNow()));
        }

        StartRunning();
    }

    public async Task<ExecutionCommandOutcome> ApproveAsync(string approvedBy, string? note)
    {
        if (!Live.Exists)
        {
            return new ExecutionCommandOutcome(ExecutionCommandResult.NotFound, null);
        }

        if (!await ChangeAsync(journal => journal.Approve(approvedBy, note, clock.GetUtcNow())))
        {
            return new ExecutionCommandOutcome(ExecutionCommandResult.WrongState, Stored);
        }

        StartRunning();
        return new ExecutionCommandOutcome(ExecutionCommandResult.Done, Stored);
    }

    public async Task<ExecutionCommandOutcome> CancelAsync(string cancelledBy)
    {
        if (!Live.Exists)
        {
            return new ExecutionCommandOutcome(ExecutionCommandResult.NotFound, null);
        }

        var change = ChangeAsync(journal => journal.Cancel(cancelledBy, clock.GetUtcNow()));
        // Told at once, in the same turn as the change; the run loop drops whatever the step still returns.
        _stepCancellation?.Cancel();
        if (!await change)
        {
            return new ExecutionCommandOutcome(ExecutionCommandResult.WrongState, Stored);
        }

        return new ExecutionCommandOutcome(ExecutionCommandResult.Done, Stored);
    }

    public Task<bool> RebuildProjectionAsync() => _pipeline.RebuildAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder)
        {
            return;
        }

        // The tick itself activated the grain (resuming it) if it was gone; while it runs, the tick keeps it active.
        StartRunning();
        await _pipeline.OnReminderAsync();
    }

    /// <summary>Applies one change of the journal and waits until it is stored.</summary>
    /// <returns>False when the journal changed nothing (the operation did not apply).</returns>
    private async Task<bool> ChangeAsync(Action<ExecutionBook> change)
    {
        _pipeline.ThrowIfFailed();
        var version = Live.Version;
        change(_journal);
        if (Live.Version == version)
        {
            return false;
        }

        _pipeline.Announce(new WorkflowProgress(ExecutionId, Live.WorkflowId, Live.Status, _journal.ProgressPercentage, Live.Version, Live.UpdatedAt));
        await _pipeline.StoreAsync();
        return true;
    }

    private void StartRunning()
    {
        if (!_running && !_deactivating && Live.Status == ExecutionStatus.Running && Live.Exists)
        {
            _ = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        _running = true;
        try
        {
            while (!_deactivating && Live.Status == ExecutionStatus.Running)
            {
                await StepAsync();
            }
        }
        catch (Exception ex)
        {
            // Storage or the reminder service is in trouble: the state says where the run stands, so try again shortly.
            logger.LogWarning(ex, "Run {ExecutionId} paused; trying again in {Delay}.", ExecutionId, RetryAfterTrouble);
            this.RegisterGrainTimer(() =>
            {
                StartRunning();
                return Task.CompletedTask;
            }, new GrainTimerCreationOptions { DueTime = RetryAfterTrouble, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        }
        finally
        {
            _running = false;
        }

    }

    /// <summary>Runs the current step once: an attempt, a wait for approval, or the end of a run that cannot go on.</summary>
    private async Task StepAsync()
    {
        var plan = plans.Find(Live.Plan);
        if (plan is null || !plan.Steps.Select(step => step.Name).SequenceEqual(Live.Steps.Select(step => step.Name)))
        {
            await ChangeAsync(journal => journal.Fail($"The plan '{Live.Plan}' is missing or has other steps than when the run started.", clock.GetUtcNow()));
            return;
        }

        var step = plan.Steps[Live.CurrentStep];
        if (step.IsApproval)
        {
            await ChangeAsync(journal => journal.Block(step.ApprovalPrompt!, clock.GetUtcNow()));
            return;
        }

        if (_journal.WasInterrupted)
        {
            var attempts = _journal.CurrentStep!.Attempts;
            var reason = !step.SafeToRepeat
                ? $"Step '{step.Name}' was cut short by a lost silo and is not safe to repeat."
                : attempts >= step.Retry.MaxAttempts
                    ? $"Step '{step.Name}' was cut short by a lost silo on its last attempt ({attempts} of {step.Retry.MaxAttempts})."
                    : null;
            await ChangeAsync(journal =>
            {
                if (reason is null)
                {
                    journal.NoteResumed(clock.GetUtcNow());
                }
                else
                {
                    journal.Fail(reason, clock.GetUtcNow());
                }
            });
            return;
        }

        // Stored before the attempt starts, with the reminder that resumes it if this silo is lost meanwhile.
        await ChangeAsync(journal => journal.BeginAttempt(step.Retry.MaxAttempts, clock.GetUtcNow()));
        if (Live.Status != ExecutionStatus.Running || _deactivating)
        {
            return;
        }

        using var cancellation = new CancellationTokenSource();
        _stepCancellation = cancellation;
        var context = new StepContext(ExecutionId, Live.WorkflowId, Live.Input, _journal.Outputs(), clock, cancellation.Token);
        StepResult? result = null;
        string? output = null;
        Exception? failure = null;
        try
        {
            result = await step.Run!(context);
            output = result.Output is null ? null : WorkflowJson.Serialize(result.Output);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            _stepCancellation = null;
        }

        if (_deactivating || Live.Status != ExecutionStatus.Running)
        {
            // Cancelled meanwhile (the run has ended), or deactivating (the next activation repeats this attempt).
            return;
        }

        if (failure is null)
        {
            await ChangeAsync(journal => journal.Succeed(result!, output, context.Notes, clock.GetUtcNow()));
            return;
        }

        logger.LogInformation(failure, "Step {Step} of run {ExecutionId} failed.", step.Name, ExecutionId);
        var retryable = failure is not WorkflowStepException { Retryable: false };
        var message = failure is WorkflowStepException ? failure.Message : $"{failure.GetType().Name}: {failure.Message}";
        TimeSpan? delay = null;
        await ChangeAsync(journal => delay = journal.FailAttempt(message, retryable, step.Retry, context.Notes, clock.GetUtcNow()));
        if (delay is { } wait)
        {
            await Task.Delay(wait);
        }
    }

    /// <summary>Tells the workflow about the finished run; the flag that it has heard is stored, so that it is counted once.</summary>
    private async Task ReportFinishedAsync(ExecutionState stored)
    {
        var duration = new ExecutionBook(stored, options.Value.MaxLogEntries).DurationMs ?? 0;
        await GrainFactory.GetGrain<IWorkflowGrain>(stored.WorkflowId).RecordFinishedAsync(new ExecutionFinished(ExecutionId, stored.Status, duration));
        // Not a change callers see: no new version, just the flag.
        Live.FinishReported = true;
        await _pipeline.StoreAsync();
    }

    private ExecutionView View(ExecutionState stored)
    {
        var prompt = stored.Status == ExecutionStatus.Blocked && plans.Find(stored.Plan) is { } plan && stored.CurrentStep < plan.Steps.Count
            ? plan.Steps[stored.CurrentStep].ApprovalPrompt
            : null;
        return new ExecutionBook(stored, options.Value.MaxLogEntries).View(ExecutionId, prompt);
    }
}
