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

    /// <summary>The live state the journal changes; storage gets a copy, because it may serialize off the grain's thread.</summary>
    private ExecutionState _live = null!;
    private ExecutionJournal _journal = null!;
    private GroupCommit _commit = null!;
    private CatchUpLoop _projection = null!;
    private long _projectedVersion = -1;
    private List<WorkflowProgress> _awaitingWrite = [];
    private readonly Queue<WorkflowProgress> _unpublished = new();
    private IAsyncStream<WorkflowProgress>? _stream;
    private IAsyncStream<WorkflowProgress>? _feed;
    /// <summary>The last state known to be stored: what callers are shown and rows are made from.</summary>
    private ExecutionView? _stored;
    private CancellationTokenSource? _stepCancellation;
    /// <summary>Whether the resume reminder is registered, as far as this activation knows (null: not known).</summary>
    private bool? _reminderSet;
    private Task _reminderSync = Task.CompletedTask;
    private bool _running;
    private bool _reporting;
    private bool _publishing;
    private bool _deactivating;

    private Guid ExecutionId => this.GetPrimaryKey();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _live = state.State;
        _journal = new ExecutionJournal(_live, options.Value.MaxLogEntries);
        _commit = new GroupCommit(WriteAsync);
        _projection = new CatchUpLoop(ProjectAsync, () => _stored is null || _projectedVersion >= _stored.Version, logger, $"run {ExecutionId}");
        var streams = this.GetStreamProvider(MistyStreams.Provider);
        _stream = streams.GetStream<WorkflowProgress>(StreamId.Create(MistyStreams.Workflows, ExecutionId));
        _feed = streams.GetStream<WorkflowProgress>(StreamId.Create(MistyStreams.Workflows, MistyStreams.AllKey));
        if (state.RecordExists)
        {
            // A crash may have come between storing a change and projecting it; replaying is idempotent.
            _stored = View();
            _projection.Kick();
        }

        // A run still marked running lost its silo (or its activation) mid-step: carry on from the stored step.
        StartRunning();
        StartReporting();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The step under way stops; the resume reminder stays, so the run carries on wherever the grain activates next.
        _deactivating = true;
        _stepCancellation?.Cancel();
        return Task.CompletedTask;
    }

    public Task<ExecutionView?> GetAsync() => Task.FromResult(_stored);

    public async Task StartAsync(ExecutionStart start)
    {
        if (_live.Exists)
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
        StartReporting();
    }

    public async Task<ExecutionCommandOutcome> ApproveAsync(string approvedBy, string? note)
    {
        if (!_live.Exists)
        {
            return new ExecutionCommandOutcome(ExecutionCommandResult.NotFound, null);
        }

        if (!await ChangeAsync(journal => journal.Approve(approvedBy, note, clock.GetUtcNow())))
        {
            return new ExecutionCommandOutcome(ExecutionCommandResult.WrongState, _stored);
        }

        StartRunning();
        return new ExecutionCommandOutcome(ExecutionCommandResult.Done, _stored);
    }

    public async Task<ExecutionCommandOutcome> CancelAsync(string cancelledBy)
    {
        if (!_live.Exists)
        {
            return new ExecutionCommandOutcome(ExecutionCommandResult.NotFound, null);
        }

        var change = ChangeAsync(journal => journal.Cancel(cancelledBy, clock.GetUtcNow()));
        // Told at once, in the same turn as the change; the run loop drops whatever the step still returns.
        _stepCancellation?.Cancel();
        if (!await change)
        {
            return new ExecutionCommandOutcome(ExecutionCommandResult.WrongState, _stored);
        }

        StartReporting();
        return new ExecutionCommandOutcome(ExecutionCommandResult.Done, _stored);
    }

    public async Task<bool> RebuildProjectionAsync()
    {
        if (_stored is not { } stored)
        {
            return false;
        }

        await store.ProjectExecutionAsync(stored, overwrite: true, CancellationToken.None);
        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder)
        {
            return;
        }

        // The tick itself activated the grain (resuming it) if it was gone; while it runs, the tick keeps it active.
        StartRunning();
        await SyncResumeReminderAsync();
    }

    /// <summary>Applies one change of the journal and waits until it is stored.</summary>
    /// <returns>False when the journal changed nothing (the operation did not apply).</returns>
    private async Task<bool> ChangeAsync(Action<ExecutionJournal> change)
    {
        if (_commit.HasFailed)
        {
            throw new InvalidOperationException("The run is reloading after a failed write; retry.");
        }

        var version = _live.Version;
        change(_journal);
        if (_live.Version == version)
        {
            return false;
        }

        _awaitingWrite.Add(new WorkflowProgress(ExecutionId, _live.WorkflowId, _live.Status, _journal.ProgressPercentage, _live.Version, _live.UpdatedAt));
        await _commit.CommitAsync();
        return true;
    }

    private async Task WriteAsync()
    {
        // Everything changed before this point is in this write; later changes wait for the next one.
        var events = _awaitingWrite;
        _awaitingWrite = [];
        var view = View();
        try
        {
            state.State = _live.Copy();
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Storing run {ExecutionId} failed; reloading from storage.", ExecutionId);
            DeactivateOnIdle();
            throw;
        }

        _stored = view;
        foreach (var progress in events)
        {
            _unpublished.Enqueue(progress);
        }

        StartPublishing();
        _projection.Kick();
        if (_reminderSet != (_live.Status == ExecutionStatus.Running))
        {
            _ = SyncResumeReminderAsync();
        }
    }

    private async Task ProjectAsync()
    {
        var stored = _stored!;
        await store.ProjectExecutionAsync(stored, overwrite: false, CancellationToken.None);
        _projectedVersion = Math.Max(_projectedVersion, stored.Version);
    }

    private void StartRunning()
    {
        if (!_running && !_deactivating && _live.Status == ExecutionStatus.Running && _live.Exists)
        {
            _ = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        _running = true;
        try
        {
            while (!_deactivating && _live.Status == ExecutionStatus.Running)
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

        StartReporting();
    }

    /// <summary>Runs the current step once: an attempt, a wait for approval, or the end of a run that cannot go on.</summary>
    private async Task StepAsync()
    {
        var plan = plans.Find(_live.Plan);
        if (plan is null || !plan.Steps.Select(step => step.Name).SequenceEqual(_live.Steps.Select(step => step.Name)))
        {
            await ChangeAsync(journal => journal.Fail($"The plan '{_live.Plan}' is missing or has other steps than when the run started.", clock.GetUtcNow()));
            return;
        }

        var step = plan.Steps[_live.CurrentStep];
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
        await SyncResumeReminderAsync();
        await ChangeAsync(journal => journal.BeginAttempt(step.Retry.MaxAttempts, clock.GetUtcNow()));
        if (_live.Status != ExecutionStatus.Running || _deactivating)
        {
            return;
        }

        using var cancellation = new CancellationTokenSource();
        _stepCancellation = cancellation;
        var context = new StepContext(ExecutionId, _live.WorkflowId, _live.Input, _journal.Outputs(), clock, cancellation.Token);
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

        if (_deactivating || _live.Status != ExecutionStatus.Running)
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

    /// <summary>
    /// Registers the resume reminder while the run is running and drops it otherwise. Calls are chained, so the
    /// last one leaves the reminder as the latest status wants it.
    /// </summary>
    private Task SyncResumeReminderAsync() => _reminderSync = SyncAfterAsync(_reminderSync);

    private async Task SyncAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "An earlier reminder change of run {ExecutionId} failed.", ExecutionId);
        }

        var wanted = _live.Status == ExecutionStatus.Running;
        if (_reminderSet == wanted || _deactivating)
        {
            return;
        }

        _reminderSet = null;
        if (wanted)
        {
            var period = options.Value.ResumeCheckPeriod;
            await this.RegisterOrUpdateReminder(ResumeReminder, period, period);
        }
        else if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderSet = wanted;
    }

    /// <summary>Tells the workflow about a finished run, until it has heard (the outbox flag is stored).</summary>
    private void StartReporting()
    {
        if (!_reporting && !_deactivating && _live.IsFinished && !_live.FinishReported)
        {
            _ = ReportAsync();
        }
    }

    private async Task ReportAsync()
    {
        _reporting = true;
        try
        {
            var finished = new ExecutionFinished(ExecutionId, _live.Status, _journal.DurationMs ?? 0);
            var delay = TimeSpan.FromSeconds(1);
            while (true)
            {
                try
                {
                    await GrainFactory.GetGrain<IWorkflowGrain>(_live.WorkflowId).RecordFinishedAsync(finished);
                    break;
                }
                catch (Exception ex) when (!_deactivating)
                {
                    logger.LogWarning(ex, "Reporting run {ExecutionId} to its workflow failed; retrying in {Delay}.", ExecutionId, delay);
                    await Task.Delay(delay);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
                }
            }

            // Not a change callers see: no new version, just the flag, stored so that the next activation does not report again.
            _live.FinishReported = true;
            await _commit.CommitAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Run {ExecutionId} could not record that its workflow has counted it; it will report again.", ExecutionId);
        }
        finally
        {
            _reporting = false;
        }
    }

    private void StartPublishing()
    {
        if (!_publishing && _unpublished.Count > 0)
        {
            _ = PublishAsync();
        }
    }

    private async Task PublishAsync()
    {
        _publishing = true;
        try
        {
            while (_unpublished.TryDequeue(out var progress))
            {
                try
                {
                    await _stream!.OnNextAsync(progress);
                    await _feed!.OnNextAsync(progress);
                }
                catch (Exception ex)
                {
                    // Subscribers see the gap in versions and re-read a snapshot; the state itself is stored.
                    logger.LogWarning(ex, "Publishing progress v{Version} of run {ExecutionId} failed.", progress.Version, ExecutionId);
                }
            }
        }
        finally
        {
            _publishing = false;
        }
    }

    private ExecutionView View()
    {
        var prompt = _live.Status == ExecutionStatus.Blocked && plans.Find(_live.Plan) is { } plan && _live.CurrentStep < plan.Steps.Count
            ? plan.Steps[_live.CurrentStep].ApprovalPrompt
            : null;
        return _journal.View(ExecutionId, prompt);
    }
}
