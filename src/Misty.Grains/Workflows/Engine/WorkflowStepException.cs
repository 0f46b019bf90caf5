namespace Misty.Grains.Workflows.Engine;

/// <summary>
/// A step's failure that says whether trying again can help. Any other exception a step throws is treated as
/// transient and retried.
/// </summary>
public sealed class WorkflowStepException(string message, bool retryable = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
