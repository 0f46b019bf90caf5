using System.Text.Json;
using Misty.Grains.Agents;
using Misty.Grains.Interfaces.Agents;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Agents;

public sealed record AgentActionResponse(
    Guid ActionId, Guid AgentId, string AgentName, string Tool, JsonElement Arguments, string Reason, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, string? DecidedBy, DateTimeOffset? DecidedAt, [property: AnyJsonValue] JsonElement? Result)
{
    public static AgentActionResponse From(AgentActionView action) => new(action.ActionId, action.AgentId, action.AgentName, action.Tool,
        Parse(action.ArgumentsJson)!.Value, action.Reason, action.Status.ToString().ToLowerInvariant(), action.CreatedAt, action.ExpiresAt,
        action.DecidedBy, action.DecidedAt, Parse(action.ResultJson));

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>A manager's decision on a held call. Approval executes the stored call once, through the gate, as its agent.</summary>
public sealed class AgentActions(
    IGrainFactory grains, AgentToolCatalog catalog, ICredentialStore credentials, ApprovalPolicy policy, TimeProvider clock)
{
    /// <summary>Attempts cut short beyond this many end the action as failed rather than trying forever.</summary>
    private const int MaxAttempts = 3;

    public async Task<AgentDecisionOutcome> ApproveAsync(Guid actionId, string approver, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IAgentActionGrain>(actionId);
        var decision = await grain.ApproveAsync(approver, clock.GetUtcNow());
        if (decision is not { Result: AgentDecisionResult.Accepted, Action: { } action })
        {
            return decision;
        }

        var (succeeded, result) = await ExecuteAsync(action, approver, cancellationToken);
        return decision with { Action = await grain.CompleteAsync(succeeded, result, clock.GetUtcNow()) };
    }

    /// <summary>
    /// Executes again every approved call whose attempt outlived the lease without a recorded result: its node died
    /// between storing the approval and storing the result. Writes that could have landed already are keyed by the
    /// action (stock changes) or refused by state (a cancelled order, a refunded payment, an approved reorder), so the
    /// effect happens once. Each action is claimed in its grain first, so only one node resumes it.
    /// </summary>
    /// <returns>How many calls were resumed.</returns>
    public async Task<int> ResumeStalledAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var approved = await grains.GetGrain<IAgentActionIndexGrain>(0).ListAsync(AgentActionStatus.Approved, null, now, AgentActionIndexGrain.MaxDecided);
        var resumed = 0;
        foreach (var stalled in approved.Where(action => (action.ExecutingSince ?? action.DecidedAt) + policy.Options.ExecutionLease <= now))
        {
            var grain = grains.GetGrain<IAgentActionGrain>(stalled.ActionId);
            if (await grain.ClaimStalledAsync(now, policy.Options.ExecutionLease) is not { } action)
            {
                continue;
            }

            var (succeeded, result) = action.Attempts > MaxAttempts
                ? (false, ToolJson.Serialize(new { status = "error", error = "interrupted", message = $"Execution was cut short {MaxAttempts} times; given up." }))
                : await ExecuteAsync(action, action.DecidedBy ?? "unknown", cancellationToken);
            await grain.CompleteAsync(succeeded, result, clock.GetUtcNow());
            resumed++;
        }

        return resumed;
    }

    public Task<AgentDecisionOutcome> RejectAsync(Guid actionId, string rejecter) =>
        grains.GetGrain<IAgentActionGrain>(actionId).RejectAsync(rejecter, clock.GetUtcNow());

    private async Task<(bool Succeeded, string Result)> ExecuteAsync(AgentActionView action, string approver, CancellationToken cancellationToken)
    {
        if (await IdentityAsync(action.AgentId, cancellationToken) is not { } agent)
        {
            return (false, ToolJson.Serialize(new { status = "error", error = "agent_gone", message = "The agent was revoked; nothing was done." }));
        }

        if (catalog.Find(action.Tool) is not { } tool)
        {
            return (false, ToolJson.Serialize(new { status = "error", error = "unknown_tool", message = "The tool no longer exists; nothing was done." }));
        }

        var context = new AgentCallContext(agent, "approval") { ApprovedAction = action, ApprovedBy = approver };
        var kernel = catalog.CreateKernel(context);
        using var stored = JsonDocument.Parse(action.ArgumentsJson);
        var result = await tool.Function.InvokeAsync(kernel, ToolJson.ToKernelArguments(stored.RootElement.EnumerateObject()
            .Select(property => KeyValuePair.Create(property.Name, property.Value))), cancellationToken);
        return (context.Calls.LastOrDefault()?.Outcome == "approved_ok", result.GetValue<string>() ?? "{}");
    }

    /// <summary>An agent account as it is now, or the staff member whose chat held the call, with the scopes of their current role.</summary>
    private async Task<AgentIdentity?> IdentityAsync(Guid agentId, CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<IAgentRegistryGrain>(0).GetAsync(agentId) is { } account)
        {
            return account.RevokedAt is null ? AgentIdentity.From(account) : null;
        }

        return await credentials.FindUserAsync(agentId, cancellationToken) is { Active: true } user ? AgentIdentity.ForStaff(user.UserId, user.Role) : null;
    }
}

/// <summary>Each web node looks for approved calls cut short by a dead node and finishes them (<see cref="AgentActions.ResumeStalledAsync"/>).</summary>
public sealed class AgentActionRecovery(AgentActions actions, ApprovalPolicy policy, ILogger<AgentActionRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(policy.Options.ResumeCheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await actions.ResumeStalledAsync(stoppingToken) is > 0 and var resumed)
                {
                    logger.LogWarning("Resumed {Count} approved agent call(s) that a node had left unfinished.", resumed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The cluster may be starting or stopping: the next tick tries again.
                logger.LogWarning(ex, "Looking for unfinished approved agent calls failed.");
            }
        }
    }
}
