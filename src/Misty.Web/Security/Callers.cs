using System.Security.Claims;

namespace Misty.Web.Security;

public static class Callers
{
    /// <summary>The customers.customer_id a storefront caller acts for, from its X-Customer-Token (<see cref="CustomerTokens"/>).</summary>
    public const string CustomerClaim = "misty:customer_id";

    /// <summary>A stable name for who is calling: "user:&lt;id&gt;" for staff, "key:&lt;id&gt;" for a storefront key.</summary>
    public static string Id(ClaimsPrincipal user) =>
        (MistyAuthentication.IsStorefront(user) ? "key:" : "user:") + user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The staff member's users.user_id, or null for a storefront key.</summary>
    public static Guid? StaffUserId(ClaimsPrincipal user) =>
        !MistyAuthentication.IsStorefront(user) && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static bool IsStaff(ClaimsPrincipal user) => StaffRoles.All.Any(user.IsInRole);

    /// <summary>
    /// The rule for customers' data (a customers row, and every order, payment, shipment, case, message, review,
    /// interaction, segment or recommendation of that customer): it goes only to staff or to that customer, that is a
    /// storefront key with that customer's token. A key alone may be shown what it submitted itself (as reservations
    /// are), never look customers up. Endpoints apply it through <see cref="CustomerAccess"/> and answer 404, not 403,
    /// so that ids cannot be probed.
    /// </summary>
    public static bool MaySeeCustomer(ClaimsPrincipal user, Guid customerId) =>
        IsStaff(user) || (Guid.TryParse(user.FindFirstValue(CustomerClaim), out var own) && own == customerId);

    /// <summary>The client's address (the proxy's, unless forwarded headers are configured), for audit rows and rate limits.</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
