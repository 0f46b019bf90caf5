using Microsoft.Extensions.Caching.Memory;

namespace Misty.Web.Security;

/// <summary>
/// Finds storefront keys without a database query per request: a valid key is remembered for <see cref="CacheFor"/>.
/// A revoked key stops working at once on the node that revoked it and within <see cref="CacheFor"/> on the others.
/// Unknown keys are never remembered, so a new key works at once and guessed keys cannot fill the cache.
/// </summary>
public sealed class StorefrontKeyLookup(ICredentialStore credentials, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    /// <summary>Bumped on every revocation, so every remembered key is looked up again.</summary>
    private long _generation;

    public async Task<StorefrontKey?> FindAsync(byte[] keyHash, CancellationToken cancellationToken)
    {
        var cacheKey = ("storefront-key", Interlocked.Read(ref _generation), Convert.ToHexString(keyHash));
        if (cache.TryGetValue(cacheKey, out StorefrontKey? known))
        {
            return known;
        }

        var key = await credentials.FindApiKeyAsync(keyHash, cancellationToken);
        if (key is not null)
        {
            cache.Set(cacheKey, key, CacheFor);
        }

        return key;
    }

    /// <summary>Forgets every remembered key, after one was revoked.</summary>
    public void ForgetAll() => Interlocked.Increment(ref _generation);
}
