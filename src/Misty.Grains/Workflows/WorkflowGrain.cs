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
    private const int RecentlyFinishedLimit = 256;
    private static readonly TimeSpan DeliveryRetryDelay = TimeSpan.FromSeconds(5);

    private CatchUpLoop _projection = null!;
    /// <summary>The last state known to be stored: the only state that may be projected to rows.</summary>
    private WorkflowView? _stored;
    private long _projectedVersion = -1;
    private CronSchedule? _schedule;
    private EventCondition _condition = EventCondition.Always;
    private IGrainTimer? _dueTimer;
    private IGrainTimer? _deliveryRetry;

    private Guid WorkflowId => this.GetPrimaryKey();

    private WorkflowState Workflow => state.State;

    private bool RunsOnSchedule => Workflow.Exists && Workflow.Enabled && Workflow.TriggerType == WorkflowTriggerType.Schedule && _schedule is not null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _projection = new CatchUpLoop(ProjectAsync, () => _stored is null || _projectedVersion >= _stored.Version, logger, $"workflow {WorkflowId}");
        if (!Workflow.Exists)
        {
            return;
        }

        CompileTrigger();
        // A crash may have come between storing a change and projecting it, or telling a run's grain about it.
        _stored = View();
        _projection.Kick();
        await DeliverPendingRunsAsync();
        await ApplyTriggerAsync();
    }

    public Task<WorkflowView?> GetAsync() => Task.FromResult(Workflow.Exists ? View() : null);

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
            return View();
        }

        Workflow.Name = definition.Name;
        Workflow.Description = definition.Description;
        Workflow.Plan = definition.Plan;
        CompileTrigger();
        await StoreChangeAsync(now);
        await ApplyTriggerAsync();
        return View();
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
            return new WorkflowUpdateOutcome(WorkflowUpdateResult.Invalid, View(), errors);
        }

        var enabled = update.Enabled ?? Workflow.Enabled;
        if (type == Workflow.TriggerType && trigger == Workflow.Trigger && enabled == Workflow.Enabled)
        {
            return new WorkflowUpdateOutcome(WorkflowUpdateResult.Updated, View(), errors);
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
        return new WorkflowUpdateOutcome(WorkflowUpdateResult.Updated, View(), errors);
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

    public async Task<bool> RebuildProjectionAsync()
    {
        if (!state.RecordExists)
        {
            return false;
        }

        await store.ProjectWorkflowAsync(_stored ?? View(), overwrite: true, CancellationToken.None);
        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ScheduleReminder)
        {
            return;
        }

        await DeliverPendingRunsAsync();
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
        await DeliverPendingRunsAsync();
        return new RunOutcome(RunResult.Started, executionId);
    }

    /// <summary>Tells each stored run's grain to start; a repeated start changes nothing, so this may run any number of times.</summary>
    private async Task DeliverPendingRunsAsync()
    {
        foreach (var run in Workflow.PendingRuns.ToList())
        {
            try
            {
                await Execution(run.ExecutionId).StartAsync(run.Start);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Starting run {ExecutionId} of workflow {WorkflowId} failed; retrying in {Delay}.", run.ExecutionId, WorkflowId, DeliveryRetryDelay);
                _deliveryRetry ??= this.RegisterGrainTimer(async _ =>
                {
                    _deliveryRetry?.Dispose();
                    _deliveryRetry = null;
                    await DeliverPendingRunsAsync();
                }, new GrainTimerCreationOptions { DueTime = DeliveryRetryDelay, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
                return;
            }

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
                await state.WriteStateAsync();
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
            await state.WriteStateAsync();
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

    private async Task StoreChangeAsync(DateTimeOffset now)
    {
        Workflow.Version++;
        Workflow.UpdatedAt = now;
        await state.WriteStateAsync();
        _stored = View();
        _projection.Kick();
    }

    private async Task ProjectAsync()
    {
        var stored = _stored!;
        await store.ProjectWorkflowAsync(stored, overwrite: false, CancellationToken.None);
        _projectedVersion = Math.Max(_projectedVersion, stored.Version);
    }

    private WorkflowView View()
    {
        var finished = Workflow.FinishedCount;
        return new WorkflowView(WorkflowId, Workflow.Name, Workflow.Description, Workflow.Plan, Workflow.TriggerType, Workflow.Trigger,
            Workflow.Enabled, Workflow.ExecutionCount,
            finished == 0 ? null : Math.Round(100m * Workflow.CompletedCount / finished, 2),
            finished == 0 ? null : Math.Round((decimal)Workflow.TotalDurationMs / finished, 2),
            Workflow.CreatedAt, Workflow.UpdatedAt, Workflow.Version, RunsOnSchedule ? Workflow.NextDueAt : null,
            plans.Find(Workflow.Plan)?.Steps.Select(step => step.Name).ToList() ?? []);
    }

    private IWorkflowExecutionGrain Execution(Guid executionId) => GrainFactory.GetGrain<IWorkflowExecutionGrain>(executionId);
}
