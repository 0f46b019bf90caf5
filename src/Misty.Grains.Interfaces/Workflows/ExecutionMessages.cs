using System.Text.Json.Serialization;

namespace Misty.Grains.Interfaces.Workflows;

/// <summary>The workflow_executions.status values. A cancelled run ends as <see cref="Error"/>, with the reason as its message.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExecutionStatus>))]
[GenerateSerializer, Alias("Misty.ExecutionStatus")]
public enum ExecutionStatus
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("complete")] Complete,
    [JsonStringEnumMemberName("error")] Error,
    /// <summary>Waiting for a person's approval.</summary>
    [JsonStringEnumMemberName("blocked")] Blocked,
}

[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
[GenerateSerializer, Alias("Misty.StepStatus")]
public enum StepStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("running")] Running,
    /// <summary>An attempt failed; the next one waits for its backoff.</summary>
    [JsonStringEnumMemberName("retrying")] Retrying,
    [JsonStringEnumMemberName("done")] Done,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("waiting")] Waiting,
    [JsonStringEnumMemberName("approved")] Approved,
    /// <summary>The run ended (cancelled, or an earlier step failed) before this step ran.</summary>
    [JsonStringEnumMemberName("skipped")] Skipped,
}

[JsonConverter(typeof(JsonStringEnumConverter<LogSeverity>))]
[GenerateSerializer, Alias("Misty.LogSeverity")]
public enum LogSeverity
{
    [JsonStringEnumMemberName("info")] Info,
    [JsonStringEnumMemberName("warning")] Warning,
    [JsonStringEnumMemberName("error")] Error,
}

/// <summary>One execution_log entry.</summary>
/// <param name="Step">The step it is about, or null for the run as a whole.</param>
[GenerateSerializer, Immutable, Alias("Misty.ExecutionLogEntry")]
public sealed record ExecutionLogEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] LogSeverity Severity,
    [property: Id(2)] string? Step,
    [property: Id(3)] string Message);

/// <param name="Output">The step's stored result as JSON, or null.</param>
[GenerateSerializer, Immutable, Alias("Misty.StepView")]
public sealed record StepView(
    [property: Id(0)] string Name,
    [property: Id(1)] StepStatus Status,
    [property: Id(2)] int Attempts,
    [property: Id(3)] string? Output,
    [property: Id(4)] DateTimeOffset? StartedAt,
    [property: Id(5)] DateTimeOffset? EndedAt);

/// <summary>What a workflow grain hands the execution grain of a new run.</summary>
[GenerateSerializer, Immutable, Alias("Misty.ExecutionStart")]
public sealed record ExecutionStart(
    [property: Id(0)] Guid WorkflowId,
    [property: Id(1)] string Plan,
    [property: Id(2)] string ExecutionNumber,
    [property: Id(3)] string Description,
    [property: Id(4)] WorkflowTriggerType Trigger,
    [property: Id(5)] string TriggeredBy,
    [property: Id(6)] string? Input,
    [property: Id(7)] Guid? RetryOf,
    [property: Id(8)] DateTimeOffset RequestedAt);

/// <param name="DroppedLogEntries">How many of the oldest log entries were dropped to keep the log within its limit.</param>
/// <param name="AwaitingApproval">While blocked: what the person is asked to approve.</param>
[GenerateSerializer, Immutable, Alias("Misty.ExecutionView")]
public sealed record ExecutionView(
    [property: Id(0)] Guid ExecutionId,
    [property: Id(1)] Guid WorkflowId,
    [property: Id(2)] string ExecutionNumber,
    [property: Id(3)] ExecutionStatus Status,
    [property: Id(4)] string Description,
    [property: Id(5)] WorkflowTriggerType Trigger,
    [property: Id(6)] string TriggeredBy,
    [property: Id(7)] string? Input,
    [property: Id(8)] Guid? RetryOf,
    [property: Id(9)] int ProgressPercentage,
    [property: Id(10)] DateTimeOffset StartTime,
    [property: Id(11)] DateTimeOffset? EndTime,
    [property: Id(12)] int? DurationMs,
    [property: Id(13)] IReadOnlyList<ExecutionLogEntry> ExecutionLog,
    [property: Id(14)] int DroppedLogEntries,
    [property: Id(15)] string? ErrorMessage,
    [property: Id(16)] IReadOnlyList<StepView> Steps,
    [property: Id(17)] string? AwaitingApproval,
    [property: Id(18)] long Version);

[GenerateSerializer, Alias("Misty.ExecutionCommandResult")]
public enum ExecutionCommandResult
{
    Done,
    NotFound,
    /// <summary>The run is not in a state that allows this (e.g. approving a run that is not blocked).</summary>
    WrongState,
}

[GenerateSerializer, Immutable, Alias("Misty.ExecutionCommandOutcome")]
public sealed record ExecutionCommandOutcome(
    [property: Id(0)] ExecutionCommandResult Result,
    [property: Id(1)] ExecutionView? Execution);
