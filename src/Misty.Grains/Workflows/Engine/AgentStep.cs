using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Workflows.Engine;

/// <summary>What an agent step stores: the model's answer and the tool calls it made (later steps read it).</summary>
public sealed record AgentStepOutput(string Answer, IReadOnlyList<AgentStepCall> Calls);

public sealed record AgentStepCall(string Tool, string Outcome, Guid? ActionId);

public sealed partial class WorkflowStep
{
    /// <summary>
    /// A step of type agent: hands a prompt to an AI agent account, which may call the tools its scopes allow through
    /// the same gate as chat and MCP (held calls wait for a manager). Without a configured model, or with the account
    /// revoked, the step fails with the reason. It runs once: a model's tool calls are not safe to repeat blindly.
    /// </summary>
    /// <param name="request">The agent and the prompt, from the run's input and earlier results.</param>
    public static WorkflowStep Agent(string name, IGrainFactory grains, Func<StepContext, Task<AgentRunRequest>> request) =>
        Action(name, async context =>
        {
            var asked = await request(context);
            var outcome = await grains.GetGrain<IAgentRunnerGrain>(0).RunAsync(asked);
            return outcome.Result switch
            {
                AgentRunResult.Answered => new StepResult($"Agent answered after {outcome.Calls.Count} tool call(s).",
                    new AgentStepOutput(outcome.Text, [.. outcome.Calls.Select(call => new AgentStepCall(call.Tool, call.Outcome, call.ActionId))])),
                AgentRunResult.NoModel => throw new WorkflowStepException(
                    "No AI model is configured, so the agent step did not run: an admin sets one with PUT /api/ai/models."),
                AgentRunResult.AgentUnavailable => throw new WorkflowStepException(
                    $"The agent {asked.AgentId} does not exist or is revoked, so the agent step did not run."),
                _ => throw new WorkflowStepException($"The AI model failed after {outcome.Calls.Count} tool call(s): {outcome.Text}"),
            };
        }, RetryPolicy.Once, safeToRepeat: false);
}
