using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;

namespace Misty.Web.Security;

/// <summary>
/// Holds bearer tokens to the account as it is now: a token dies when its account is deactivated or deleted, or when
/// the account's security stamp changed since it was issued (a password change, role change, deactivation or logout),
/// at once on the node that made the change and within <see cref="CacheFor"/> on the others.
/// Storefront keys are looked up by <see cref="StorefrontKeyLookup"/>, which remembers them for a shorter time.
/// </summary>
public sealed class StaffSessions(ICredentialStore credentials, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    /// <summary>The account's security stamp when the token was issued.</summary>
    public const string StampClaim = "misty:stamp";

    /// <returns>The token's principal, or null when the account is gone or inactive or the token's stamp is not the account's.</returns>
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
        // A role change draws a new stamp, so a token whose stamp matches carries the account's current role.
        return account is { Active: true } && principal.FindFirstValue(StampClaim) == account.SecurityStamp.ToString("N") && principal.IsInRole(account.Role)
            ? principal
            : null;
    }

    /// <summary>Drops what this node knows of the account, after a change to it.</summary>
    public void Forget(Guid userId) => cache.Remove(CacheKey(userId));

    private static (string, Guid) CacheKey(Guid userId) => ("staff-session", userId);
}
