using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;
using Misty.Grains.Agents;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Agents;
using Misty.Grains.Telemetry;

namespace Misty.Web.Agents;

/// <summary>
/// The one place that decides every agent tool call, whichever way it came (chat, MCP, an approval): authorise by
/// scope, refuse bad input, hold what the approval policy names, execute, audit. Semantic Kernel's filters cannot be
/// this gate: they do not run when an MCP server invokes a function. Every tool method calls <see cref="RunAsync"/>.
/// </summary>
public sealed partial class AgentGate(
    IServiceProvider services, ApprovalPolicy policy, IGrainFactory grains, IClusterClient cluster, IAuditLog audit, TimeProvider clock,
    ILogger<AgentGate> logger)
{
    public async Task<string> RunAsync(Kernel kernel, string toolName, ToolInput input, Func<CancellationToken, Task<ToolOutcome>> execute,
        CancellationToken cancellationToken)
    {
        var context = AgentCallContext.Of(kernel);
        // Resolved on use: the catalog builds the plugins, and the plugins need this gate.
        var tool = services.GetRequiredService<AgentToolCatalog>().Find(toolName) ?? throw new InvalidOperationException($"The tool {toolName} is not registered.");
        var started = Stopwatch.GetTimestamp();
        var arguments = ToolJson.Serialize(input.Arguments);

        if (!context.Agent.Allows(tool.Area, !tool.ReadOnly))
        {
            var scope = AgentScopes.Of(tool.Area, !tool.ReadOnly);
            return await FinishAsync(context, tool, arguments, "forbidden", started, null,
                new { status = "forbidden", message = $"This agent lacks the scope {scope}." }, scope);
        }

        if (!input.IsValid)
        {
            return await FinishAsync(context, tool, arguments, "invalid", started, null,
                new { status = "invalid", message = "Nothing was done: fix the arguments and call again.", errors = input.Errors }, null);
        }

        var approved = context.ApprovedAction is { } action && action.Tool == toolName ? action : null;
        if (approved is null && !tool.ReadOnly && policy.ReasonToHold(toolName, input.Arguments) is { } reason)
        {
            var held = await HoldAsync(context, toolName, arguments, reason);
            return await FinishAsync(context, tool, arguments, "pending_approval", started, held.ActionId,
                new { status = "pending_approval", actionId = held.ActionId, reason, expiresAt = held.ExpiresAt }, reason);
        }

        ToolOutcome outcome;
        try
        {
            outcome = await execute(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Agent tool {Tool} failed for {Agent}.", toolName, context.Agent.Actor);
            outcome = ToolOutcome.Error("failed", "The call failed inside Misty; nothing more is known to the agent.");
        }

        var name = (approved is null ? "" : "approved_") + (outcome.Succeeded ? "ok" : "error");
        return await FinishAsync(context, tool, arguments, name, started, approved?.ActionId, outcome.Body, null);
    }

    /// <summary>Audits a call whose arguments did not bind to the tool's parameters, so it never reached <see cref="RunAsync"/>.</summary>
    public Task RecordUnboundAsync(AgentCallContext context, AgentTool tool, KernelArguments arguments, string reason) =>
        FinishAsync(context, tool, ToolJson.Serialize(arguments.ToDictionary(entry => entry.Key, entry => entry.Value)), "invalid",
            Stopwatch.GetTimestamp(), null, new { }, reason.Length <= 300 ? reason : reason[..300]);

    private async Task<AgentActionView> HoldAsync(AgentCallContext context, string toolName, string arguments, string reason)
    {
        var now = clock.GetUtcNow();
        var action = await grains.GetGrain<IAgentActionGrain>(Guid.NewGuid()).CreateAsync(
            new AgentActionDraft(context.Agent.AgentId, context.Agent.Name, toolName, arguments, reason, now, now + policy.Options.ExpiresAfter));
        try
        {
            await cluster.GetStreamProvider(MistyStreams.Provider)
                .GetStream<object>(StreamId.Create(MistyStreams.Agents, MistyStreams.AllKey))
                .OnNextAsync(new ApprovalRequested(action.ActionId, action.AgentId, action.AgentName, toolName, reason, action.ExpiresAt));
        }
        catch (Exception ex)
        {
            // The action is stored and listed: a missed live notice only delays the manager's view until the next refresh.
            logger.LogWarning(ex, "The ApprovalRequested event for {ActionId} was not published.", action.ActionId);
        }

        return action;
    }

    private async Task<string> FinishAsync(AgentCallContext context, AgentTool tool, string arguments, string outcome, long started,
        Guid? actionId, object body, string? detail)
    {
        var record = new AgentCallRecord(clock.GetUtcNow(), context.Agent.AgentId, tool.Name, Redact(arguments), outcome,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.Channel, context.ApprovedBy, actionId, detail);
        context.Calls.Add(record);
        MistyMetrics.AgentCall(tool.Name, context.Channel, outcome, Stopwatch.GetElapsedTime(started));
        await grains.GetGrain<IAgentAuditGrain>(context.Agent.AgentId).RecordAsync(record);
        await audit.RecordAsync(new AuditEntry($"agent.{tool.Name}", context.Agent.Actor,
            $"Agent {context.Agent.Name} called {tool.Name}: {outcome}.")
        {
            Severity = outcome is "forbidden" or "invalid" ? AuditSeverity.Warning : AuditSeverity.Info,
            Details = new Dictionary<string, object?>
            {
                ["agentId"] = context.Agent.AgentId,
                ["tool"] = tool.Name,
                ["arguments"] = record.ArgumentsJson,
                ["outcome"] = outcome,
                ["durationMs"] = record.DurationMs,
                ["channel"] = context.Channel,
                ["approvedBy"] = context.ApprovedBy,
                ["actionId"] = actionId,
            },
        });
        return ToolJson.Serialize(body);
    }

    /// <summary>No tool takes a secret today; an argument named like one is still never written to the trail.</summary>
    private static string Redact(string arguments) => SecretArgument().Replace(arguments, "\"$1\":\"(redacted)\"");

    [GeneratedRegex("\"([A-Za-z]*(?:[Kk]ey|[Ss]ecret|[Pp]assword|[Tt]oken))\":(?:\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)")]
    private static partial Regex SecretArgument();
}
