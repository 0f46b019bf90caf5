namespace Misty.Grains.Interfaces.Workflows;

/// <summary>
/// A stored change of a workflow run, on the <c>workflows</c> stream keyed by execution id and on the namespace's
/// all-key feed. <see cref="Version"/> grows by one per stored change of the run.
/// </summary>
[GenerateSerializer, Immutable, Alias("Misty.WorkflowProgress")]
public sealed record WorkflowProgress(
    [property: Id(0)] Guid ExecutionId,
    [property: Id(1)] Guid WorkflowId,
    [property: Id(2)] ExecutionStatus Status,
    [property: Id(3)] int ProgressPercentage,
    [property: Id(4)] long Version,
    [property: Id(5)] DateTimeOffset OccurredAt);
