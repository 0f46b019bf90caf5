using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Misty.Web.Security;

public static class MistyAuthentication
{
    public const string Scheme = "misty";
    public const string BearerScheme = BearerTokenDefaults.AuthenticationScheme;
    public const string ApiKeyScheme = "ApiKey";
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// Staff bearer tokens (protected by ASP.NET Core Data Protection, so every node that shares the key ring accepts
    /// them) and storefront API keys, behind one scheme that picks by header and holds tokens to their account's current
    /// state. Every endpoint needs one of them unless it says AllowAnonymous.
    /// </summary>
    public static IServiceCollection AddMistyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme)
            .AddScheme<AuthenticationSchemeOptions, CallerAuthenticationHandler>(Scheme, "Staff token or storefront key", null)
            .AddBearerToken(BearerScheme, bearer =>
            {
                bearer.BearerTokenExpiration = TokenLifetime;
                // Browsers cannot set headers on WebSocket requests: SignalR sends the token as access_token.
                bearer.Events.OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/hubs") &&
                        context.Request.Query.TryGetValue("access_token", out var token))
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null);
        services.AddMemoryCache();
        services.AddSingleton<StaffSessions>();
        services.AddSingleton<LoginCheck>();
        // Tests register a faster one before this runs.
        services.TryAddSingleton(LoginThrottle.Default);
        services.AddSingleton<StorefrontKeyLookup>();
        services.AddSingleton<CustomerTokens>();
        services.AddSingleton<HubSessionGuard>();
        services.AddHostedService<HubSessionSweeper>();
        services.Configure<HubOptions>(hubs => hubs.AddFilter<HubSessionGuard>());

        // The policies name no scheme: the default one (Scheme) has already authenticated the request, and a policy that
        // names a scheme makes the authorization middleware authenticate again and rebuild the user on every request.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(MistyPolicies.Staff, policy => policy
                .RequireRole(StaffRoles.Admin, StaffRoles.Manager, StaffRoles.Staff, StaffRoles.System))
            .AddPolicy(MistyPolicies.Manager, policy => policy
                .RequireRole(StaffRoles.Admin, StaffRoles.Manager))
            .AddPolicy(MistyPolicies.Admin, policy => policy
                .RequireRole(StaffRoles.Admin))
            .AddPolicy(MistyPolicies.Storefront, policy => policy
                .RequireAssertion(context => IsStorefront(context.User) || StaffRoles.All.Any(context.User.IsInRole)))
            .AddPolicy(MistyPolicies.StorefrontServer, policy => policy
                .RequireAssertion(context => (IsStorefront(context.User) && context.User.HasClaim(StorefrontKeyKinds.Claim, StorefrontKeyKinds.Server))
                                             || StaffRoles.All.Any(context.User.IsInRole)));
        return services;
    }

    public static bool IsStorefront(ClaimsPrincipal user) =>
        user.HasClaim(ApiKeyAuthenticationHandler.CallerClaim, ApiKeyAuthenticationHandler.StorefrontCaller);
}
