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

    /// <summary>
    /// The key as presented. A remembered key is found by its text, in process memory only, so a flash sale's requests
    /// skip hashing it (the database only ever sees and stores the hash).
    /// </summary>
    public async Task<StorefrontKey?> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        var cacheKey = new CacheKey(Interlocked.Read(ref _generation), presentedKey);
        if (cache.TryGetValue(cacheKey, out StorefrontKey? known))
        {
            return known;
        }

        var key = await credentials.FindApiKeyAsync(ApiKeyAuthenticationHandler.Hash(presentedKey), cancellationToken);
        if (key is not null)
        {
            cache.Set(cacheKey, key, CacheFor);
        }

        return key;
    }

    /// <summary>Forgets every remembered key, after one was revoked.</summary>
    public void ForgetAll() => Interlocked.Increment(ref _generation);

    private sealed record CacheKey(long Generation, string PresentedKey);
}
