using Misty.Grains.Interfaces.Workflows;

namespace Misty.Grains.Workflows;

[GenerateSerializer, Alias("Misty.WorkflowState")]
public sealed class WorkflowState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public string Description { get; set; } = "";
    [Id(3)] public string Plan { get; set; } = "";
    [Id(4)] public WorkflowTriggerType TriggerType { get; set; }
    [Id(5)] public TriggerConfig Trigger { get; set; } = TriggerConfig.None;
    [Id(6)] public bool Enabled { get; set; }
    [Id(7)] public int ExecutionCount { get; set; }
    [Id(8)] public int FinishedCount { get; set; }
    [Id(9)] public int CompletedCount { get; set; }
    [Id(10)] public long TotalDurationMs { get; set; }
    [Id(11)] public DateTimeOffset CreatedAt { get; set; }
    [Id(12)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(13)] public long Version { get; set; }
    /// <summary>Schedule: the next occurrence to fire; null when the workflow runs on no schedule.</summary>
    [Id(14)] public DateTimeOffset? NextDueAt { get; set; }
    /// <summary>The outbox: runs counted and stored here whose execution grains may not have heard of them yet.</summary>
    [Id(15)] public List<PendingRun> PendingRuns { get; set; } = [];
    /// <summary>The runs most recently counted as finished, so a repeated report is not counted twice.</summary>
    [Id(16)] public List<Guid> RecentlyFinished { get; set; } = [];
    /// <summary>The stream namespace this workflow is subscribed to for its event trigger, if any.</summary>
    [Id(17)] public string? SubscribedStream { get; set; }
}

[GenerateSerializer, Immutable, Alias("Misty.PendingRun")]
public sealed record PendingRun([property: Id(0)] Guid ExecutionId, [property: Id(1)] ExecutionStart Start);
