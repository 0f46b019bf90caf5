using System.Text.Json;
using Misty.Grains.Interfaces.Workflows;
using Misty.Web.Api;

namespace Misty.Web.Workflows;

/// <summary>An admin's change to a workflow: null fields stay as they are.</summary>
/// <param name="TriggerType">schedule, event, manual or api.</param>
public sealed record UpdateWorkflowRequest(bool? Enabled, string? TriggerType, TriggerConfig? TriggerConfig);

public sealed record ApproveRequest(string? Note);

public sealed record RunAccepted(Guid ExecutionId);

/// <summary>A workflows row.</summary>
public sealed record WorkflowSummary(
    Guid WorkflowId, string Name, string? Description, WorkflowTriggerType TriggerType, TriggerConfig TriggerConfig, bool Enabled,
    int ExecutionCount, decimal? SuccessRate, decimal? AvgDurationMs, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version);

/// <summary>One workflow from its grain: the row's fields, its steps and, for a schedule, when it runs next.</summary>
public sealed record WorkflowResponse(
    Guid WorkflowId, string Name, string Description, WorkflowTriggerType TriggerType, TriggerConfig TriggerConfig, bool Enabled,
    int ExecutionCount, decimal? SuccessRate, decimal? AvgDurationMs, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version,
    DateTimeOffset? NextRunAt, IReadOnlyList<string> Steps)
{
    public static WorkflowResponse From(WorkflowView view) => new(
        view.WorkflowId, view.Name, view.Description, view.TriggerType, view.TriggerConfig, view.Enabled, view.ExecutionCount,
        view.SuccessRate, view.AvgDurationMs, view.CreatedAt, view.UpdatedAt, view.Version, view.NextRunAt, view.Steps);
}

/// <summary>A workflow_executions row, without its log.</summary>
public sealed record ExecutionSummary(
    Guid ExecutionId, Guid WorkflowId, string ExecutionNumber, ExecutionStatus Status, string? Description, int ProgressPercentage,
    DateTimeOffset StartTime, DateTimeOffset? EndTime, int? DurationMs, string? ErrorMessage, WorkflowTriggerType TriggerType, Guid? RetryOf,
    DateTimeOffset UpdatedAt, long Version);

public sealed record ExecutionList(IReadOnlyList<ExecutionSummary> Items, int Limit);

public sealed record StepResponse(string Name, StepStatus Status, int Attempts, [property: AnyJsonValue] JsonElement? Output, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

/// <summary>One run from its grain: the row's fields with the log, each step, the input and what it waits for.</summary>
public sealed record ExecutionResponse(
    Guid ExecutionId, Guid WorkflowId, string ExecutionNumber, ExecutionStatus Status, string Description, int ProgressPercentage,
    DateTimeOffset StartTime, DateTimeOffset? EndTime, int? DurationMs, IReadOnlyList<ExecutionLogEntry> ExecutionLog, int DroppedLogEntries,
    string? ErrorMessage, WorkflowTriggerType TriggerType, string TriggeredBy, Guid? RetryOf, JsonElement? Input,
    IReadOnlyList<StepResponse> Steps, string? AwaitingApproval, long Version)
{
    public static ExecutionResponse From(ExecutionView view) => new(
        view.ExecutionId, view.WorkflowId, view.ExecutionNumber, view.Status, view.Description, view.ProgressPercentage, view.StartTime,
        view.EndTime, view.DurationMs, view.ExecutionLog, view.DroppedLogEntries, view.ErrorMessage, view.Trigger, view.TriggeredBy,
        view.RetryOf, Json(view.Input),
        [.. view.Steps.Select(step => new StepResponse(step.Name, step.Status, step.Attempts, Json(step.Output), step.StartedAt, step.EndedAt))],
        view.AwaitingApproval, view.Version);

    private static JsonElement? Json(string? text)
    {
        if (text is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
