using System.Security.Cryptography;

namespace Misty.Web.Security;

/// <summary>Generated secrets: storefront keys and first-run passwords.</summary>
public static class StorefrontKeys
{
    private const string KeyMarker = "msk_";
    private const int PrefixLength = 8;

    /// <summary>A new storefront key: a marker that secret scanners can match, then 192 random bits.</summary>
    public static string Generate() => KeyMarker + RandomToken(24);

    /// <summary>The first characters of a key (api_keys.key_prefix), enough to tell keys apart, too few to use.</summary>
    public static string PrefixOf(string key) => key[..Math.Min(PrefixLength, key.Length)];

    /// <summary><paramref name="bytes"/> random bytes, base64url without padding.</summary>
    public static string RandomToken(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
