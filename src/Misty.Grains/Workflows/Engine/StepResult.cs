namespace Misty.Grains.Workflows.Engine;

/// <param name="Summary">One line for the execution log, e.g. "Queued 3 reorders".</param>
/// <param name="Output">The step's result, stored as JSON; later steps read it with <see cref="StepContext.OutputOf{T}"/>.</param>
/// <param name="EndsRun">Nothing is left to do: the run completes with this step and the steps after it are skipped.</param>
public sealed record StepResult(string Summary, object? Output = null, bool EndsRun = false);
