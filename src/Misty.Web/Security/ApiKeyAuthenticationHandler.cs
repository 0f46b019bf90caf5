using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Misty.Web.Security;

/// <summary>
/// Authenticates the e-commerce site by its X-Api-Key header (keys are stored as SHA-256 hashes only), and the
/// customer it acts for by an X-Customer-Token header when one comes with it; a token that no longer stands fails the
/// request (401), so the site knows to sign the customer in again.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    StorefrontKeyLookup keys,
    CustomerTokens customerTokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HeaderName = "X-Api-Key";
    public const string CallerClaim = "misty:caller";
    public const string StorefrontCaller = "storefront";

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => AuthenticateAsync(Context, Scheme.Name, keys, customerTokens);

    /// <summary>
    /// The storefront's authentication, also called straight from <see cref="CallerAuthenticationHandler"/>: every
    /// storefront request (each reservation of a flash sale) then needs one handler, not two.
    /// </summary>
    public static async Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string scheme, StorefrontKeyLookup keys, CustomerTokens customerTokens)
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.FindAsync(values.ToString(), context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, key.ApiKeyId.ToString()),
                new Claim(ClaimTypes.Name, key.Name),
                new Claim(CallerClaim, key.Scope),
                new Claim(StorefrontKeyKinds.Claim, key.Kind),
            ],
            scheme);
        if (request.Headers.TryGetValue(CustomerTokens.HeaderName, out var tokens) && tokens.ToString() is { Length: > 0 } token)
        {
            if (await customerTokens.ValidateAsync(token, context.RequestAborted) is not { } customerId)
            {
                return AuthenticateResult.Fail("The customer token is malformed, expired or revoked.");
            }

            identity.AddClaim(new Claim(Callers.CustomerClaim, customerId.ToString()));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), scheme));
    }
}
