using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;

namespace Misty.Web.Security;

/// <summary>
/// Holds bearer tokens to the account as it is now: a deactivated or deleted account's tokens stop working, and a new
/// role applies, at once on the node that made the change and within <see cref="CacheFor"/> on the others.
/// Storefront keys are looked up by <see cref="StorefrontKeyLookup"/>, which remembers them for a shorter time.
/// </summary>
public sealed class StaffSessions(ICredentialStore credentials, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    /// <returns>The token's principal with the account's current role, or null when the account is gone or inactive.</returns>
    public async Task<ClaimsPrincipal?> CurrentAsync(ClaimsPrincipal principal)
    {
        if (Callers.StaffUserId(principal) is not { } userId)
        {
            return null;
        }

        var account = await cache.GetOrCreateAsync(CacheKey(userId), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return credentials.FindUserAsync(userId, CancellationToken.None);
        });
        if (account is not { Active: true })
        {
            return null;
        }

        if (principal.IsInRole(account.Role) && principal.FindAll(ClaimTypes.Role).Count() == 1)
        {
            return principal;
        }

        var identity = new ClaimsIdentity(principal.Claims.Where(claim => claim.Type != ClaimTypes.Role), principal.Identity?.AuthenticationType);
        identity.AddClaim(new Claim(ClaimTypes.Role, account.Role));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Drops what this node knows of the account, after a change to it.</summary>
    public void Forget(Guid userId) => cache.Remove(CacheKey(userId));

    private static (string, Guid) CacheKey(Guid userId) => ("staff-session", userId);
}
