namespace Misty.Web.Security;

/// <summary>The two kinds of storefront key (api_keys.kind).</summary>
public static class StorefrontKeyKinds
{
    /// <summary>Safe in a browser: catalogue, stock, reservations, checkout of new customers; a customer's data only with that customer's token.</summary>
    public const string Public = "public";

    /// <summary>The site's backend: everything a public key may do, and minting and revoking customer tokens.</summary>
    public const string Server = "server";

    public const string Claim = "misty:key_kind";

    public static readonly IReadOnlyList<string> All = [Public, Server];
}
