using System.ComponentModel;
using Microsoft.SemanticKernel;
using Misty.Grains.Interfaces.Agents;

namespace Misty.Web.Agents.Plugins;

public sealed class ActionsPlugin(AgentGate gate, IGrainFactory grains, TimeProvider clock)
{
    [KernelFunction("get_action_status"), Description("Read only. The state of an action this agent was told is pending approval: pending, executed (with its result), failed, rejected or expired.")]
    [AgentTool(AgentToolAttribute.OwnActions, readOnly: true)]
    public Task<string> GetActionStatusAsync(Kernel kernel,
        [Description("The actionId the held call answered (a GUID).")] string actionId,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("actionId", actionId);
        var agent = AgentCallContext.Of(kernel).Agent.AgentId;
        return gate.RunAsync(kernel, "get_action_status", input, async _ =>
            // Another agent's action reads as missing, so action ids cannot be probed.
            await grains.GetGrain<IAgentActionGrain>(id).GetAsync(clock.GetUtcNow()) is { } action && action.AgentId == agent
                ? ToolOutcome.Ok(AgentActionResponse.From(action))
                : ToolOutcome.NotFound("action", actionId), cancellationToken);
    }
}
