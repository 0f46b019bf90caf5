using Misty.Grains.Interfaces.Agents;
using Misty.Web.Security;

namespace Misty.Web.Agents;

/// <summary>Agent keys: a marker secret scanners can match, then 192 random bits; stored as SHA-256 like storefront keys.</summary>
public static class AgentKeys
{
    private const string Marker = "mak_";

    public static (string Key, AgentKey Stored) Generate()
    {
        var key = Marker + StorefrontKeys.RandomToken(24);
        return (key, new AgentKey(StorefrontKeys.PrefixOf(key), ApiKeyAuthenticationHandler.Hash(key)));
    }

    public static bool LooksLikeKey(string value) => value.StartsWith(Marker, StringComparison.Ordinal) && value.Length <= 100;
}
