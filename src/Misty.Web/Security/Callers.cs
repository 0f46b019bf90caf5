using System.Security.Claims;

namespace Misty.Web.Security;

public static class Callers
{
    /// <summary>A stable name for who is calling: "user:&lt;id&gt;" for staff, "key:&lt;id&gt;" for a storefront key.</summary>
    public static string Id(ClaimsPrincipal user) =>
        (MistyAuthentication.IsStorefront(user) ? "key:" : "user:") + user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The staff member's users.user_id, or null for a storefront key.</summary>
    public static Guid? StaffUserId(ClaimsPrincipal user) =>
        !MistyAuthentication.IsStorefront(user) && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static bool IsStaff(ClaimsPrincipal user) => StaffRoles.All.Any(user.IsInRole);
}
