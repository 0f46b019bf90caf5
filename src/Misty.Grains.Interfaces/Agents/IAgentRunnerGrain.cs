namespace Misty.Grains.Interfaces.Agents;

/// <summary>
/// Runs one prompt with tools under an agent account, through the configured model and the agent gate: what a workflow's
/// agent step calls. Implemented on the nodes that host the agent surface (Misty.Web), so Orleans places it only there,
/// whichever silo runs the workflow.
/// </summary>
[Alias("Misty.IAgentRunnerGrain")]
public interface IAgentRunnerGrain : IGrainWithIntegerKey
{
    /// <remarks>A model with tools may take minutes (a local model on a CPU), longer than the default call timeout.</remarks>
    [Alias("Run"), ResponseTimeout("00:05:00")]
    Task<AgentRunOutcome> RunAsync(AgentRunRequest request);
}

/// <param name="AgentId">The agent account the tools run as: its scopes decide what the model is offered and may call.</param>
/// <param name="Prompt">The task, in words.</param>
[GenerateSerializer, Immutable, Alias("Misty.AgentRunRequest")]
public sealed record AgentRunRequest(
    [property: Id(0)] Guid AgentId,
    [property: Id(1)] string Prompt);

[GenerateSerializer, Alias("Misty.AgentRunResult")]
public enum AgentRunResult
{
    Answered,
    /// <summary>No AI model is configured; nothing ran.</summary>
    NoModel,
    /// <summary>The agent account does not exist or is revoked; nothing ran.</summary>
    AgentUnavailable,
    /// <summary>The model failed; the tool calls made before are in the outcome (and audited).</summary>
    ModelFailed,
}

/// <param name="Text">The model's answer, or why there is none.</param>
/// <param name="Calls">The tool calls the gate decided, in order.</param>
[GenerateSerializer, Immutable, Alias("Misty.AgentRunOutcome")]
public sealed record AgentRunOutcome(
    [property: Id(0)] AgentRunResult Result,
    [property: Id(1)] string Text,
    [property: Id(2)] IReadOnlyList<AgentCallRecord> Calls);
