using System.Text.Json.Serialization;

namespace Misty.Grains.Interfaces.Workflows;

/// <summary>The workflows.trigger_type values: what starts a workflow's runs on its own (any workflow may also be run on demand).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowTriggerType>))]
[GenerateSerializer, Alias("Misty.WorkflowTriggerType")]
public enum WorkflowTriggerType
{
    /// <summary>A cron expression in a time zone.</summary>
    [JsonStringEnumMemberName("schedule")] Schedule,
    /// <summary>An event of one type on a stream namespace's all-entities feed, optionally with a condition.</summary>
    [JsonStringEnumMemberName("event")] Event,
    /// <summary>Started by a staff member.</summary>
    [JsonStringEnumMemberName("manual")] Manual,
    /// <summary>Started by another program (a service account) through the HTTP API.</summary>
    [JsonStringEnumMemberName("api")] Api,
}

/// <summary>
/// The workflows.trigger_config of a workflow; which fields apply depends on the trigger type.
/// </summary>
/// <param name="Cron">Schedule: a five-field cron expression (minute hour day-of-month month day-of-week).</param>
/// <param name="TimeZone">Schedule: the IANA time zone the cron expression is read in; UTC when null.</param>
/// <param name="Stream">Event: the stream namespace whose all-entities feed is watched, e.g. "stock".</param>
/// <param name="Event">Event: the event type's contract name, e.g. "LowStock".</param>
/// <param name="Condition">Event: e.g. <c>available == 0</c>; clauses joined by <c>and</c>; null = every such event.</param>
[GenerateSerializer, Immutable, Alias("Misty.TriggerConfig")]
public sealed record TriggerConfig(
    [property: Id(0), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cron = null,
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TimeZone = null,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Stream = null,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Event = null,
    [property: Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Condition = null)
{
    /// <summary>A new empty config each time, so no reader can change a shared one.</summary>
    public static TriggerConfig None => new();
}

/// <summary>What a workflow is: set by whoever defines it (the built-in catalogue); the trigger and enabled flag are then the admins'.</summary>
/// <param name="Plan">The key of the step plan that runs (a built-in workflow's code).</param>
[GenerateSerializer, Immutable, Alias("Misty.WorkflowDefinition")]
public sealed record WorkflowDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Description,
    [property: Id(2)] string Plan,
    [property: Id(3)] WorkflowTriggerType TriggerType,
    [property: Id(4)] TriggerConfig TriggerConfig,
    [property: Id(5)] bool Enabled);

/// <summary>An admin's change: null fields stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("Misty.WorkflowUpdate")]
public sealed record WorkflowUpdate(
    [property: Id(0)] bool? Enabled,
    [property: Id(1)] WorkflowTriggerType? TriggerType,
    [property: Id(2)] TriggerConfig? TriggerConfig);

[GenerateSerializer, Immutable, Alias("Misty.WorkflowView")]
public sealed record WorkflowView(
    [property: Id(0)] Guid WorkflowId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description,
    [property: Id(3)] string Plan,
    [property: Id(4)] WorkflowTriggerType TriggerType,
    [property: Id(5)] TriggerConfig TriggerConfig,
    [property: Id(6)] bool Enabled,
    [property: Id(7)] int ExecutionCount,
    [property: Id(8)] decimal? SuccessRate,
    [property: Id(9)] decimal? AvgDurationMs,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] long Version,
    [property: Id(13)] DateTimeOffset? NextRunAt,
    [property: Id(14)] IReadOnlyList<string> Steps);

[GenerateSerializer, Alias("Misty.WorkflowUpdateResult")]
public enum WorkflowUpdateResult
{
    Updated,
    NotFound,
    /// <summary>The trigger config does not fit the trigger type; see the errors.</summary>
    Invalid,
}

/// <param name="Errors">For <see cref="WorkflowUpdateResult.Invalid"/>: messages by wire field name (e.g. "triggerConfig.cron").</param>
[GenerateSerializer, Immutable, Alias("Misty.WorkflowUpdateOutcome")]
public sealed record WorkflowUpdateOutcome(
    [property: Id(0)] WorkflowUpdateResult Result,
    [property: Id(1)] WorkflowView? Workflow,
    [property: Id(2)] IReadOnlyDictionary<string, string> Errors);

/// <param name="Trigger">What started the run.</param>
/// <param name="TriggeredBy">Who or what: "user:&lt;id&gt;", "schedule", "stock/LowStock", ...</param>
/// <param name="Input">The run's input as a JSON object, or null.</param>
/// <param name="RetryOf">The failed run this one retries.</param>
/// <param name="ExecutionId">A fixed id, so that a repeated request (the same event, occurrence or idempotency key) starts one run; null for a new id.</param>
[GenerateSerializer, Immutable, Alias("Misty.RunRequest")]
public sealed record RunRequest(
    [property: Id(0)] WorkflowTriggerType Trigger,
    [property: Id(1)] string TriggeredBy,
    [property: Id(2)] string? Input,
    [property: Id(3)] Guid? RetryOf = null,
    [property: Id(4)] Guid? ExecutionId = null);

[GenerateSerializer, Alias("Misty.RunResult")]
public enum RunResult
{
    Started,
    /// <summary>A run with the requested fixed id exists already; nothing new was started.</summary>
    AlreadyStarted,
    NotFound,
    Disabled,
}

[GenerateSerializer, Immutable, Alias("Misty.RunOutcome")]
public sealed record RunOutcome([property: Id(0)] RunResult Result, [property: Id(1)] Guid? ExecutionId);

/// <summary>A finished run, as its execution grain reports it to its workflow for the statistics.</summary>
[GenerateSerializer, Immutable, Alias("Misty.ExecutionFinished")]
public sealed record ExecutionFinished(
    [property: Id(0)] Guid ExecutionId,
    [property: Id(1)] ExecutionStatus Status,
    [property: Id(2)] int DurationMs);
