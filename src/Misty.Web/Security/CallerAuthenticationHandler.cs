using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Misty.Web.Security;

/// <summary>
/// The default scheme: a storefront key when the request carries X-Api-Key, a staff bearer token otherwise. A token
/// that <see cref="StaffSessions"/> no longer accepts (account deactivated, password or role changed, logged out)
/// fails authentication (401).
/// </summary>
public sealed class CallerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    StaffSessions sessions,
    StorefrontKeyLookup keys,
    CustomerTokens customerTokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (InnerScheme() == MistyAuthentication.ApiKeyScheme)
        {
            return await ApiKeyAuthenticationHandler.AuthenticateAsync(Context, MistyAuthentication.ApiKeyScheme, keys, customerTokens);
        }

        var result = await Context.AuthenticateAsync(MistyAuthentication.BearerScheme);
        if (!result.Succeeded)
        {
            return result;
        }

        return await sessions.CurrentAsync(result.Principal) is { } current
            ? AuthenticateResult.Success(new AuthenticationTicket(current, result.Properties, MistyAuthentication.BearerScheme))
            : AuthenticateResult.Fail("The token was revoked, or its account is deactivated or no longer exists.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Context.ChallengeAsync(InnerScheme(), properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Context.ForbidAsync(InnerScheme(), properties);

    private string InnerScheme() =>
        Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName) ? MistyAuthentication.ApiKeyScheme : MistyAuthentication.BearerScheme;
}
