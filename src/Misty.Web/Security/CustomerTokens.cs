using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;

namespace Misty.Web.Security;

/// <summary>
/// Short-lived proof that the site signed a customer in: a server key mints one per customer, and every storefront
/// call about that customer's data carries it (X-Customer-Token). Protected by Data Protection (so every node accepts
/// it) with its expiry inside; it carries the customer's token stamp, and a revocation draws a new stamp, ending every
/// token of the customer at once on this node and within <see cref="StampCacheFor"/> on the others.
/// </summary>
public sealed class CustomerTokens(IDataProtectionProvider protection, ICredentialStore credentials, IMemoryCache cache, TimeProvider clock)
{
    public const string HeaderName = "X-Customer-Token";
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan StampCacheFor = TimeSpan.FromSeconds(5);

    /// <summary>A marker that secret scanners can match, like the storefront keys' msk_.</summary>
    private const string Marker = "mct_";

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Misty.CustomerTokens.v1").ToTimeLimitedDataProtector();

    public async Task<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(Guid customerId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var stamp = await StampAsync(customerId, cancellationToken);
        var expiresAt = clock.GetUtcNow() + lifetime;
        return (Marker + _protector.Protect(customerId.ToString("N") + stamp.ToString("N"), expiresAt), expiresAt);
    }

    /// <returns>The token's customer, or null when it is malformed, tampered, expired or revoked.</returns>
    public async Task<Guid?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Marker, StringComparison.Ordinal))
        {
            return null;
        }

        string payload;
        try
        {
            payload = _protector.Unprotect(token[Marker.Length..], out _);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }

        if (payload.Length != 64 || !Guid.TryParseExact(payload[..32], "N", out var customerId) || !Guid.TryParseExact(payload[32..], "N", out var stamp))
        {
            return null;
        }

        return await StampAsync(customerId, cancellationToken) == stamp ? customerId : null;
    }

    /// <summary>Ends every token of the customer issued so far.</summary>
    public async Task RevokeAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await credentials.RenewCustomerTokenStampAsync(customerId, clock.GetUtcNow(), cancellationToken);
        cache.Remove(CacheKey(customerId));
    }

    private async Task<Guid> StampAsync(Guid customerId, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(CacheKey(customerId), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = StampCacheFor;
            return credentials.FindCustomerTokenStampAsync(customerId, cancellationToken);
        });

    private static (string, Guid) CacheKey(Guid customerId) => ("customer-token-stamp", customerId);
}
