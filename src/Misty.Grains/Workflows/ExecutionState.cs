using Misty.Grains.Interfaces.Workflows;

namespace Misty.Grains.Workflows;

[GenerateSerializer, Alias("Misty.ExecutionState")]
public sealed class ExecutionState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public Guid WorkflowId { get; set; }
    [Id(2)] public string Plan { get; set; } = "";
    [Id(3)] public string ExecutionNumber { get; set; } = "";
    [Id(4)] public string Description { get; set; } = "";
    [Id(5)] public WorkflowTriggerType Trigger { get; set; }
    [Id(6)] public string TriggeredBy { get; set; } = "";
    [Id(7)] public string? Input { get; set; }
    [Id(8)] public Guid? RetryOf { get; set; }
    [Id(9)] public ExecutionStatus Status { get; set; }
    /// <summary>Every step of the plan, with its stored result once it has one.</summary>
    [Id(10)] public List<StepView> Steps { get; set; } = [];
    /// <summary>The index of the step under way; Steps.Count once all are done.</summary>
    [Id(11)] public int CurrentStep { get; set; }
    [Id(12)] public DateTimeOffset StartTime { get; set; }
    [Id(13)] public DateTimeOffset? EndTime { get; set; }
    [Id(14)] public List<ExecutionLogEntry> Log { get; set; } = [];
    [Id(15)] public int DroppedLogEntries { get; set; }
    [Id(16)] public string? ErrorMessage { get; set; }
    /// <summary>Grows by one per change that callers can see: the version of rows and progress events.</summary>
    [Id(17)] public long Version { get; set; }
    [Id(18)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The outbox flag: whether the workflow has counted this finished run in its statistics.</summary>
    [Id(19)] public bool FinishReported { get; set; }

    public bool IsFinished => Status is ExecutionStatus.Complete or ExecutionStatus.Error;
}
