using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows.Engine;
using Misty.Grains.Workflows.Triggers;
using Orleans.Runtime;
using Orleans.Streams;

namespace Misty.Grains.Workflows;

/// <summary>
/// One workflow: its definition, trigger and statistics. It is a single activation cluster-wide, and its schedule
/// reminder and stream subscription belong to it, so each occurrence or event starts one run in the whole cluster.
/// A run is counted and stored here (an outbox) before its execution grain is told, so none is lost to a crash.
/// </summary>
[GrainType("workflow")]
public sealed class WorkflowGrain(
    [PersistentState(WorkflowGrain.StateName)] IPersistentState<WorkflowState> state,
    IWorkflowStore store,
    WorkflowPlans plans,
    [FromKeyedServices(WorkflowClock.Key)] TimeProvider clock,
    IOptions<WorkflowOptions> options,
    ILogger<WorkflowGrain> logger) : Grain, IWorkflowGrain, IRemindable
{
    public const string StateName = "workflow";
    private const string ScheduleReminder = "schedule";
    private const string CatchUpReminder = "catch-up";
    private const int RecentlyFinishedLimit = 256;

    private StatePipeline<WorkflowState, object> _pipeline = null!;
    private CronSchedule? _schedule;
    private EventCondition _condition = EventCondition.Always;
    private IGrainTimer? _dueTimer;

    private Guid WorkflowId => this.GetPrimaryKey();

    private WorkflowState Workflow => _pipeline.Live;

    private bool RunsOnSchedule => Workflow.Exists && Workflow.Enabled && Workflow.TriggerType == WorkflowTriggerType.Schedule && _schedule is not null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = new StatePipeline<WorkflowState, object>(this, state.State, new()
        {
            Write = state.Writer(),
            Version = stored => stored.Version,
            Project = (stored, overwrite) => store.ProjectWorkflowAsync(View(stored), overwrite, CancellationToken.None),
            Deliver = DeliverPendingRunsAsync,
            Delivered = stored => !stored.PendingRuns.Any(Workflow.PendingRuns.Contains),
            // The runs' rows need this one's, and a stored run waits in the outbox: neither may wait for a call that never comes.
            Reminder = CatchUpReminder,
            ReminderPeriod = options.Value.ScheduleCheckPeriod,
        }, logger, $"workflow {WorkflowId}");
        if (!Workflow.Exists)
        {
            return;
        }

        CompileTrigger();
        // A crash may have come between storing a change and projecting it, or telling a run's grain about it.
        _pipeline.Resume();
        await ApplyTriggerAsync();
    }

    public Task<WorkflowView?> GetAsync() => Task.FromResult(Workflow.Exists ? View(Workflow) : null);

    public async Task<WorkflowView> DefineAsync(WorkflowDefinition definition)
    {
        var now = clock.GetUtcNow();
        if (!Workflow.Exists)
        {
            var (trigger, errors) = TriggerRules.Validate(definition.TriggerType, definition.TriggerConfig);
            if (errors.Count > 0)
            {
                throw new ArgumentException($"Workflow '{definition.Name}' has an invalid trigger: {string.Join("; ", errors.Values)}", nameof(definition));
            }

            Workflow.Exists = true;
            Workflow.TriggerType = definition.TriggerType;
            Workflow.Trigger = trigger;
            Workflow.Enabled = definition.Enabled;
            Workflow.CreatedAt = now;
        }
        else if (Workflow.Name == definition.Name && Workflow.Description == definition.Description && Workflow.Plan == definition.Plan)
        {
            return View(Workflow);
        }

        Workflow.Name = definition.Name;
        Workflow.Description = definition.Description;
        Workflow.Plan = definition.Plan;
        CompileTrigger();
        await StoreChangeAsync(now);
        await ApplyTriggerAsync();
        return View(Workflow);
    }

    public async Task<WorkflowUpdateOutcome> UpdateAsync(WorkflowUpdate update)
    {
        if (!Workflow.Exists)
        {
            return new WorkflowUpdateOutcome(WorkflowUpdateResult.NotFound, null, new Dictionary<string, string>());
        }

        var type = update.TriggerType ?? Workflow.TriggerType;
        // A new trigger type without a config of its own starts from an empty one: the old one belongs to the old type.
        var config = update.TriggerConfig ?? (type == Workflow.TriggerType ? Workflow.Trigger : TriggerConfig.None);
        var (trigger, errors) = TriggerRules.Validate(type, config);
        if (errors.Count > 0)
        {
            return new WorkflowUpdateOutcome(WorkflowUpdateResult.Invalid, View(Workflow), errors);
        }

        var enabled = update.Enabled ?? Workflow.Enabled;
        if (type == Workflow.TriggerType && trigger == Workflow.Trigger && enabled == Workflow.Enabled)
        {
            return new WorkflowUpdateOutcome(WorkflowUpdateResult.Updated, View(Workflow), errors);
        }

        Workflow.TriggerType = type;
        Workflow.Trigger = trigger;
        Workflow.Enabled = enabled;
        // Counted from now: occurrences that passed while the schedule was off or different are not run late.
        Workflow.NextDueAt = null;
        CompileTrigger();
        var now = clock.GetUtcNow();
        if (RunsOnSchedule)
        {
            Workflow.NextDueAt = _schedule!.NextAfter(now);
        }

        await StoreChangeAsync(now);
        await ApplyTriggerAsync();
        return new WorkflowUpdateOutcome(WorkflowUpdateResult.Updated, View(Workflow), errors);
    }

    public async Task<RunOutcome> RunAsync(RunRequest request)
    {
        if (!Workflow.Exists)
        {
            return new RunOutcome(RunResult.NotFound, null);
        }

        if (!Workflow.Enabled)
        {
            return new RunOutcome(RunResult.Disabled, null);
        }

        var description = request.Trigger switch
        {
            WorkflowTriggerType.Api => $"API run by {request.TriggeredBy}",
            _ => $"Manual run by {request.TriggeredBy}",
        };
        return await StartRunAsync(request, request.RetryOf is { } original ? $"{description}, retrying execution {original}" : description);
    }

    public async Task RecordFinishedAsync(ExecutionFinished finished)
    {
        if (!Workflow.Exists || Workflow.RecentlyFinished.Contains(finished.ExecutionId))
        {
            return;
        }

        Workflow.RecentlyFinished.Add(finished.ExecutionId);
        if (Workflow.RecentlyFinished.Count > RecentlyFinishedLimit)
        {
            Workflow.RecentlyFinished.RemoveAt(0);
        }

        Workflow.FinishedCount++;
        Workflow.CompletedCount += finished.Status == ExecutionStatus.Complete ? 1 : 0;
        Workflow.TotalDurationMs += finished.DurationMs;
        await StoreChangeAsync(clock.GetUtcNow());
        Telemetry.MistyMetrics.WorkflowRun(WorkflowId, finished.Status);
    }

    public Task<bool> RebuildProjectionAsync() => _pipeline.RebuildAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == CatchUpReminder)
        {
            await _pipeline.OnReminderAsync();
            return;
        }

        if (reminderName != ScheduleReminder)
        {
            return;
        }

        if (!RunsOnSchedule)
        {
            await ApplyTriggerAsync();
            return;
        }

        await FireIfDueAsync();
        ArmDueTimer();
    }

    private async Task<RunOutcome> StartRunAsync(RunRequest request, string description)
    {
        var executionId = request.ExecutionId ?? Guid.NewGuid();
        if (request.ExecutionId is not null &&
            (Workflow.PendingRuns.Any(run => run.ExecutionId == executionId) || await Execution(executionId).GetAsync() is not null))
        {
            return new RunOutcome(RunResult.AlreadyStarted, executionId);
        }

        var now = clock.GetUtcNow();
        Workflow.ExecutionCount++;
        var start = new ExecutionStart(WorkflowId, Workflow.Plan, $"RUN-{Workflow.ExecutionCount:D5}", description, request.Trigger,
            request.TriggeredBy, request.Input, request.RetryOf, now);
        Workflow.PendingRuns.Add(new PendingRun(executionId, start));
        await StoreChangeAsync(now);
        try
        {
            await DeliverPendingRunsAsync(Workflow);
        }
        catch (Exception ex)
        {
            // Stored: the pipeline's catch-up starts it, retrying with backoff.
            logger.LogWarning(ex, "Starting run {ExecutionId} of workflow {WorkflowId} failed; it is retried.", executionId, WorkflowId);
        }

        return new RunOutcome(RunResult.Started, executionId);
    }

    /// <summary>Tells the grain of each run in <paramref name="stored"/>'s outbox to start; a repeated start changes nothing.</summary>
    private async Task DeliverPendingRunsAsync(WorkflowState stored)
    {
        foreach (var run in stored.PendingRuns.Where(Workflow.PendingRuns.Contains).ToList())
        {
            await Execution(run.ExecutionId).StartAsync(run.Start);
            // Forgotten with the next write; until then a repeated delivery is harmless.
            Workflow.PendingRuns.Remove(run);
        }
    }

    private async Task FireIfDueAsync()
    {
        var now = clock.GetUtcNow();
        if (!RunsOnSchedule || Workflow.NextDueAt is not { } due || now < due)
        {
            return;
        }

        // Occurrences missed while no silo was up are caught up by this one run, not one run each.
        Workflow.NextDueAt = _schedule!.NextAfter(now);
        var occurrence = due.ToUniversalTime();
        var request = new RunRequest(WorkflowTriggerType.Schedule, "schedule", null, null,
            StableIds.From($"workflow-schedule\n{WorkflowId:N}\n{occurrence:O}"));
        await StartRunAsync(request, $"Scheduled run for {occurrence:yyyy-MM-dd HH:mm} UTC");
    }

    /// <summary>Brings the reminder, the due timer and the stream subscription in line with the stored trigger.</summary>
    private async Task ApplyTriggerAsync()
    {
        if (RunsOnSchedule)
        {
            if (Workflow.NextDueAt is null)
            {
                Workflow.NextDueAt = _schedule!.NextAfter(clock.GetUtcNow());
                await _pipeline.StoreAsync();
            }

            if (await this.GetReminder(ScheduleReminder) is null)
            {
                var period = options.Value.ScheduleCheckPeriod;
                await this.RegisterOrUpdateReminder(ScheduleReminder, period, period);
            }

            await FireIfDueAsync();
            ArmDueTimer();
        }
        else
        {
            _dueTimer?.Dispose();
            _dueTimer = null;
            if (await this.GetReminder(ScheduleReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }

        await ReconcileSubscriptionAsync();
    }

    /// <summary>An occurrence due within one reminder period is met by a timer at its exact time.</summary>
    private void ArmDueTimer()
    {
        _dueTimer?.Dispose();
        _dueTimer = null;
        if (!RunsOnSchedule || Workflow.NextDueAt is not { } due)
        {
            return;
        }

        var wait = due - clock.GetUtcNow();
        if (wait <= options.Value.ScheduleCheckPeriod)
        {
            _dueTimer = this.RegisterGrainTimer(async _ =>
            {
                await FireIfDueAsync();
                ArmDueTimer();
            }, new GrainTimerCreationOptions { DueTime = wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Period = Timeout.InfiniteTimeSpan });
        }
    }

    /// <summary>
    /// Subscribes to the event trigger's feed, or resumes the subscription this grain already has (stream pub/sub keeps
    /// it in storage, so events wake the grain after any restart), and drops subscriptions it no longer wants.
    /// </summary>
    private async Task ReconcileSubscriptionAsync()
    {
        var wanted = Workflow.Exists && Workflow.Enabled && Workflow.TriggerType == WorkflowTriggerType.Event ? Workflow.Trigger.Stream : null;
        var streams = this.GetStreamProvider(MistyStreams.Provider);
        foreach (var streamNamespace in new[] { Workflow.SubscribedStream, wanted }.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var stream = streams.GetStream<object>(StreamId.Create(streamNamespace, MistyStreams.AllKey));
            var subscribed = false;
            foreach (var handle in await stream.GetAllSubscriptionHandles())
            {
                if (streamNamespace == wanted && !subscribed)
                {
                    await handle.ResumeAsync((item, _) => OnEventAsync(streamNamespace, item));
                    subscribed = true;
                }
                else
                {
                    await handle.UnsubscribeAsync();
                }
            }

            if (streamNamespace == wanted && !subscribed)
            {
                await stream.SubscribeAsync((item, _) => OnEventAsync(streamNamespace, item));
            }
        }

        if (Workflow.SubscribedStream != wanted)
        {
            Workflow.SubscribedStream = wanted;
            await _pipeline.StoreAsync();
        }
    }

    private async Task OnEventAsync(string streamNamespace, object item)
    {
        var eventName = item.GetType().Name;
        if (!Workflow.Enabled || Workflow.TriggerType != WorkflowTriggerType.Event || Workflow.Trigger.Stream != streamNamespace ||
            !string.Equals(Workflow.Trigger.Event, eventName, StringComparison.Ordinal))
        {
            return;
        }

        var json = JsonSerializer.SerializeToElement(item, item.GetType(), WorkflowJson.Options);
        if (!_condition.Matches(json))
        {
            return;
        }

        // The same event delivered twice names the same run, so it starts once.
        var input = json.GetRawText();
        var request = new RunRequest(WorkflowTriggerType.Event, $"{streamNamespace}/{eventName}", input, null,
            StableIds.From($"workflow-event\n{WorkflowId:N}\n{streamNamespace}\n{eventName}\n{input}"));
        await StartRunAsync(request, $"Run on {eventName} from the {streamNamespace} feed");
    }

    private void CompileTrigger()
    {
        _schedule = Workflow.TriggerType == WorkflowTriggerType.Schedule
            ? CronSchedule.TryParse(Workflow.Trigger.Cron, Workflow.Trigger.TimeZone, out _, out _)
            : null;
        _condition = Workflow.TriggerType == WorkflowTriggerType.Event
            ? EventCondition.TryParse(Workflow.Trigger.Condition, out _) ?? EventCondition.Always
            : EventCondition.Always;
    }

    private Task StoreChangeAsync(DateTimeOffset now)
    {
        Workflow.Version++;
        Workflow.UpdatedAt = now;
        return _pipeline.StoreAsync();
    }

    private WorkflowView View(WorkflowState workflow)
    {
        var finished = workflow.FinishedCount;
        var runsOnSchedule = workflow.Exists && workflow.Enabled && workflow.TriggerType == WorkflowTriggerType.Schedule && _schedule is not null;
        return new WorkflowView(WorkflowId, workflow.Name, workflow.Description, workflow.Plan, workflow.TriggerType, workflow.Trigger,
            workflow.Enabled, workflow.ExecutionCount,
            finished == 0 ? null : Math.Round(100m * workflow.CompletedCount / finished, 2),
            finished == 0 ? null : Math.Round((decimal)workflow.TotalDurationMs / finished, 2),
            workflow.CreatedAt, workflow.UpdatedAt, workflow.Version, runsOnSchedule ? workflow.NextDueAt : null,
            plans.Find(workflow.Plan)?.Steps.Select(step => step.Name).ToList() ?? []);
    }

    private IWorkflowExecutionGrain Execution(Guid executionId) => GrainFactory.GetGrain<IWorkflowExecutionGrain>(executionId);
}
