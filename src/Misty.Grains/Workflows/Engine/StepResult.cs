namespace Misty.Grains.Workflows.Engine;

/// <param name="Summary">One line for the execution log, e.g. "Queued 3 reorders".</param>
/// <param name="Output">The step's result, stored as JSON; later steps read it with <see cref="StepContext.OutputOf{T}"/>.</param>
public sealed record StepResult(string Summary, object? Output = null);
