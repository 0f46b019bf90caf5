using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Agents;
using Misty.Web.Security;

namespace Misty.Web.Agents;

/// <summary>
/// Authenticates AI agents by <c>Authorization: Bearer &lt;agent key&gt;</c>. The registry is asked on every request (one
/// call to a grain in the same process), so a rotated or revoked key is refused from its next request on, on every node.
/// </summary>
public sealed class AgentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = header["Bearer ".Length..].Trim();
        if (!AgentKeys.LooksLikeKey(key))
        {
            return AuthenticateResult.Fail("Not an agent key.");
        }

        var agent = await grains.GetGrain<IAgentRegistryGrain>(0).FindByKeyAsync(ApiKeyAuthenticationHandler.Hash(key));
        return agent is null
            ? AuthenticateResult.Fail("Unknown, replaced or revoked agent key.")
            : AuthenticateResult.Success(new AuthenticationTicket(AgentIdentity.ToPrincipal(agent, Scheme.Name), Scheme.Name));
    }
}

/// <summary>Who an agent call acts as: the account's id, name, role and scopes at the time of the call.</summary>
public sealed record AgentIdentity(Guid AgentId, string Name, string Role, IReadOnlySet<string> Scopes)
{
    public const string Scheme = "Agent";
    public const string Policy = "agent";
    private const string IdClaim = "misty:agent_id";
    private const string ScopeClaim = "misty:agent_scope";
    private const string RoleClaim = "misty:agent_role";

    public string Actor => $"agent:{Name}";

    public bool Allows(string area, bool write) => area == AgentToolAttribute.OwnActions || Scopes.Contains(Grains.Agents.AgentScopes.Of(area, write));

    public static AgentIdentity From(AgentAccount account) =>
        new(account.AgentId, account.Name, account.Role, new HashSet<string>(account.Scopes, StringComparer.Ordinal));

    public static ClaimsPrincipal ToPrincipal(AgentAccount agent, string scheme) =>
        new(new ClaimsIdentity(
            [
                new Claim(IdClaim, agent.AgentId.ToString()),
                new Claim(ClaimTypes.Name, agent.Name),
                new Claim(RoleClaim, agent.Role),
                .. agent.Scopes.Select(scope => new Claim(ScopeClaim, scope)),
            ],
            scheme));

    /// <returns>The agent of a principal this scheme authenticated, or null for any other caller.</returns>
    public static AgentIdentity? FromPrincipal(ClaimsPrincipal? user) =>
        user is not null && Guid.TryParse(user.FindFirstValue(IdClaim), out var id)
            ? new AgentIdentity(id, user.FindFirstValue(ClaimTypes.Name) ?? "", user.FindFirstValue(RoleClaim) ?? "",
                new HashSet<string>(user.FindAll(ScopeClaim).Select(claim => claim.Value), StringComparer.Ordinal))
            : null;

    /// <summary>
    /// The scopes of a staff member's own chat: what the person's role may do through the API. Admins and managers get
    /// every scope; staff every read and the writes their role has (not payments or reorders).
    /// </summary>
    public static AgentIdentity ForStaff(Guid userId, string role)
    {
        var agentRole = role is StaffRoles.Admin or StaffRoles.Manager ? Grains.Agents.AgentScopes.Manager : Grains.Agents.AgentScopes.Staff;
        var scopes = Grains.Agents.AgentScopes.Areas
            .SelectMany(area => new[] { Grains.Agents.AgentScopes.Of(area, false), Grains.Agents.AgentScopes.Of(area, true) })
            .Where(scope => Grains.Agents.AgentScopes.Refusal(agentRole, [scope]) is null);
        return new AgentIdentity(userId, $"chat:{userId:N}", agentRole, new HashSet<string>(scopes, StringComparer.Ordinal));
    }
}

public static class AgentAuthenticationSetup
{
    /// <summary>Adds the agent scheme and the policy that requires it, beside the staff and storefront schemes.</summary>
    public static IServiceCollection AddAgentAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AgentAuthenticationHandler>(AgentIdentity.Scheme, "AI agent key", null);
        // The staff scheme is asked too, so that a staff member or storefront key at an agent endpoint is known and
        // refused with 403 rather than asked to sign in.
        services.AddAuthorizationBuilder().AddPolicy(AgentIdentity.Policy, policy => policy
            .AddAuthenticationSchemes(AgentIdentity.Scheme, MistyAuthentication.Scheme)
            .RequireAssertion(context => AgentIdentity.FromPrincipal(context.User) is not null));
        return services;
    }
}
