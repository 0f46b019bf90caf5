namespace Misty.Web.Security;

/// <summary>The users.role values, and the authorization policies built on them.</summary>
public static class StaffRoles
{
    public const string Admin = "admin";
    public const string Manager = "manager";
    public const string Staff = "staff";
    public const string System = "system";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Admin, Manager, Staff, System };
}

public static class MistyPolicies
{
    /// <summary>Any signed-in staff member.</summary>
    public const string Staff = "staff";
    /// <summary>Managers and admins.</summary>
    public const string Manager = "manager";
    public const string Admin = "admin";
    /// <summary>The e-commerce site (X-Api-Key of either kind) or any staff member.</summary>
    public const string Storefront = "storefront";
    /// <summary>The site's backend (a server key) or any staff member: what a browser must never do, such as minting customer tokens.</summary>
    public const string StorefrontServer = "storefront-server";
}
