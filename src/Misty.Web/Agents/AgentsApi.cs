using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Agents;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces.Agents;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Agents;

public sealed record CreateAgentRequest(string? Name, string? Role, IReadOnlyList<string>? Scopes);

public sealed record AgentResponse(
    Guid AgentId, string Name, string Role, IReadOnlyList<string> Scopes, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? KeyRotatedAt,
    DateTimeOffset? RevokedAt)
{
    public static AgentResponse From(AgentAccount agent) =>
        new(agent.AgentId, agent.Name, agent.Role, agent.Scopes, agent.KeyPrefix, agent.CreatedAt, agent.KeyRotatedAt, agent.RevokedAt);
}

/// <summary>The answer to creating an agent or rotating its key: the only time the key is shown.</summary>
public sealed record AgentKeyResponse(Guid AgentId, string ApiKey, AgentResponse Agent);

public sealed record AgentCallResponse(
    DateTimeOffset At, string Tool, JsonElement Arguments, string Outcome, long DurationMs, string Channel, string? ApprovedBy, Guid? ActionId,
    string? Detail)
{
    public static AgentCallResponse From(AgentCallRecord call) => new(call.At, call.Tool, JsonDocument.Parse(call.ArgumentsJson).RootElement.Clone(),
        call.Outcome, call.DurationMs, call.Channel, call.ApprovedBy, call.ActionId, call.Detail);
}

public static partial class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder routes)
    {
        var agents = routes.MapGroup("/api/agents").WithTags("Agents").RequireAuthorization(MistyPolicies.Admin);
        agents.MapPost("", CreateAsync).WithName("createAgent").WithSummary("Creates an agent account; the answer is the only time its key is shown.");
        agents.MapGet("", async (IGrainFactory grains) =>
            TypedResults.Ok((await Registry(grains).ListAsync()).Select(AgentResponse.From).ToList()))
            .WithName("listAgents").WithSummary("Every agent, revoked ones included, without keys.");
        agents.MapPost("/{agentId:guid}/rotate-key", RotateAsync).WithName("rotateAgentKey")
            .WithSummary("Replaces the agent's key; the old key stops working at once.");
        agents.MapDelete("/{agentId:guid}", RevokeAsync).WithName("revokeAgent").WithSummary("Revokes the agent: its key is refused from the next request on.");
        agents.MapGet("/{agentId:guid}/calls", CallsAsync).WithName("listAgentCalls")
            .WithSummary("The agent's recent tool calls, newest first (?limit=1..200): the audit.");

        var actions = routes.MapGroup("/api/agent-actions").WithTags("Agents").RequireAuthorization(MistyPolicies.Manager);
        actions.MapGet("", ListActionsAsync).WithName("listAgentActions")
            .WithSummary("Held agent calls, newest first (?status=pending|approved|executed|failed|rejected|expired, ?agentId=).");
        actions.MapGet("/{actionId:guid}", GetActionAsync).WithName("getAgentAction").WithSummary("One agent call: what it asked, its state and its result.");
        actions.MapPost("/{actionId:guid}/approve", ApproveAsync).WithName("approveAgentAction")
            .WithSummary("Approves a held call: it is executed once, now, and its result recorded.");
        actions.MapPost("/{actionId:guid}/reject", RejectAsync).WithName("rejectAgentAction").WithSummary("Rejects a held call: it is never executed.");
        return routes;
    }

    private static async Task<Results<Created<AgentKeyResponse>, ValidationProblem>> CreateAsync(CreateAgentRequest request, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit, TimeProvider clock)
    {
        var name = request.Name?.Trim();
        var scopes = request.Scopes?.Select(scope => scope?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        var errors = new FieldErrors()
            .Check(name is not null && AgentName().IsMatch(name), "name", "Required: up to 100 letters, digits, spaces, '.', '-' or '_'.")
            .Check(request.Role is not null && AgentScopes.Roles.Contains(request.Role), "role", "staff or manager.")
            .Check(scopes is { Count: > 0 }, "scopes", "At least one scope, e.g. \"inventory:read\".");
        if (scopes is { Count: > 0 } && request.Role is not null && AgentScopes.Roles.Contains(request.Role) &&
            AgentScopes.Refusal(request.Role, scopes) is { } refusal)
        {
            errors.Add("scopes", refusal);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (key, stored) = AgentKeys.Generate();
        var agent = await Registry(grains).CreateAsync(Guid.NewGuid(), name!, request.Role!, scopes!, stored, clock.GetUtcNow());
        await audit.RecordAsync(new AuditEntry("agents.created", Callers.Id(user), $"Agent '{agent.Name}' ({agent.KeyPrefix}…) was created.")
        {
            Severity = AuditSeverity.Warning,
            Details = new Dictionary<string, object?> { ["agentId"] = agent.AgentId, ["role"] = agent.Role, ["scopes"] = string.Join(" ", agent.Scopes) },
        });
        return TypedResults.Created($"/api/agents/{agent.AgentId}", new AgentKeyResponse(agent.AgentId, key, AgentResponse.From(agent)));
    }

    private static async Task<Results<Ok<AgentKeyResponse>, NotFoundProblem>> RotateAsync(Guid agentId, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit, TimeProvider clock)
    {
        var (key, stored) = AgentKeys.Generate();
        if (await Registry(grains).RotateKeyAsync(agentId, stored, clock.GetUtcNow()) is not { } agent)
        {
            return AgentNotFound(agentId);
        }

        await audit.RecordAsync(new AuditEntry("agents.key_rotated", Callers.Id(user), $"Agent '{agent.Name}' got a new key ({agent.KeyPrefix}…).")
        {
            Severity = AuditSeverity.Warning,
            Details = new Dictionary<string, object?> { ["agentId"] = agent.AgentId },
        });
        return TypedResults.Ok(new AgentKeyResponse(agent.AgentId, key, AgentResponse.From(agent)));
    }

    private static async Task<Results<Ok<AgentResponse>, NotFoundProblem>> RevokeAsync(Guid agentId, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit, TimeProvider clock)
    {
        if (await Registry(grains).RevokeAsync(agentId, clock.GetUtcNow()) is not { } agent)
        {
            return AgentNotFound(agentId);
        }

        await audit.RecordAsync(new AuditEntry("agents.revoked", Callers.Id(user), $"Agent '{agent.Name}' was revoked.")
        {
            Severity = AuditSeverity.Warning,
            Details = new Dictionary<string, object?> { ["agentId"] = agent.AgentId },
        });
        return TypedResults.Ok(AgentResponse.From(agent));
    }

    private static async Task<Results<Ok<List<AgentCallResponse>>, ValidationProblem, NotFoundProblem>> CallsAsync(
        Guid agentId, int? limit, IGrainFactory grains, ICredentialStore credentials, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Check(limit is null or (>= 1 and <= AgentAuditGrain.MaxCalls), "limit", $"A whole number from 1 to {AgentAuditGrain.MaxCalls}.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // An agent account, or a staff member whose chat called tools.
        if (await Registry(grains).GetAsync(agentId) is null && await credentials.FindUserAsync(agentId, cancellationToken) is null)
        {
            return Problems.NotFound("No such agent.", $"There is no agent or staff member {agentId}.");
        }

        var calls = await grains.GetGrain<IAgentAuditGrain>(agentId).ListAsync(limit ?? 50);
        return TypedResults.Ok(calls.Select(AgentCallResponse.From).ToList());
    }

    private static async Task<Results<Ok<List<AgentActionResponse>>, ValidationProblem>> ListActionsAsync(string? status, string? agentId, int? limit, IGrainFactory grains, TimeProvider clock)
    {
        var errors = new FieldErrors();
        AgentActionStatus? wanted = null;
        if (status is not null)
        {
            errors.Check(status.Length <= 20 && status.All(char.IsAsciiLetter) && Enum.TryParse<AgentActionStatus>(status, true, out var parsed) && (wanted = parsed) is not null,
                "status", "One of pending, approved, executed, failed, rejected, expired.");
        }

        Guid? agent = null;
        if (agentId is not null)
        {
            errors.Check(Guid.TryParse(agentId, out var parsed) && (agent = parsed) is not null, "agentId", "An agent id (a GUID).");
        }

        errors.Check(limit is null or (>= 1 and <= 500), "limit", "A whole number from 1 to 500.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var actions = await grains.GetGrain<IAgentActionIndexGrain>(0).ListAsync(wanted, agent, clock.GetUtcNow(), limit ?? 100);
        return TypedResults.Ok(actions.Select(AgentActionResponse.From).ToList());
    }

    private static async Task<Results<Ok<AgentActionResponse>, NotFoundProblem>> GetActionAsync(Guid actionId, IGrainFactory grains, TimeProvider clock) =>
        await grains.GetGrain<IAgentActionGrain>(actionId).GetAsync(clock.GetUtcNow()) is { } action
            ? TypedResults.Ok(AgentActionResponse.From(action))
            : ActionNotFound(actionId);

    private static async Task<Results<Ok<AgentActionResponse>, NotFoundProblem, ConflictProblem>> ApproveAsync(Guid actionId, ClaimsPrincipal user, AgentActions actions, CancellationToken cancellationToken) =>
        Decided(await actions.ApproveAsync(actionId, Callers.Id(user), cancellationToken), actionId);

    private static async Task<Results<Ok<AgentActionResponse>, NotFoundProblem, ConflictProblem>> RejectAsync(Guid actionId, ClaimsPrincipal user, AgentActions actions, IAuditLog audit)
    {
        var outcome = await actions.RejectAsync(actionId, Callers.Id(user));
        if (outcome.Result == AgentDecisionResult.Accepted)
        {
            await audit.RecordAsync(new AuditEntry("agent_actions.rejected", Callers.Id(user), $"A held call of {outcome.Action!.Tool} was rejected.")
            {
                Details = new Dictionary<string, object?> { ["actionId"] = actionId, ["agentId"] = outcome.Action.AgentId },
            });
        }

        return Decided(outcome, actionId);
    }

    private static Results<Ok<AgentActionResponse>, NotFoundProblem, ConflictProblem> Decided(AgentDecisionOutcome outcome, Guid actionId) => outcome.Result switch
    {
        AgentDecisionResult.Accepted => TypedResults.Ok(AgentActionResponse.From(outcome.Action!)),
        AgentDecisionResult.NotFound => ActionNotFound(actionId),
        AgentDecisionResult.Expired => Problems.Conflict("The action expired.",
            $"Action {actionId} was not decided before {outcome.Action!.ExpiresAt:O}; it will never run."),
        _ => Problems.Conflict("The action was already decided.",
            $"Action {actionId} is {outcome.Action!.Status.ToString().ToLowerInvariant()}; it runs at most once."),
    };

    private static IAgentRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IAgentRegistryGrain>(0);

    private static NotFoundProblem AgentNotFound(Guid agentId) => Problems.NotFound("No such agent.", $"There is no live agent {agentId}.");

    private static NotFoundProblem ActionNotFound(Guid actionId) => Problems.NotFound("No such action.", $"There is no agent action {actionId}.");

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}\z")]
    private static partial Regex AgentName();
}
