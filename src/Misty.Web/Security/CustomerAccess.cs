using System.Security.Claims;
using Misty.Web.Api;

namespace Misty.Web.Security;

/// <summary>
/// The one rule for a customer's data (profile, orders, payments, shipments, cases, messages, reviews, interactions,
/// recommendations): staff see every customer; a storefront key only the customer whose X-Customer-Token comes with
/// the request, whichever kind of key it is. Everything else is a 404 with no hint that the id exists.
/// Apply <see cref="RequireCustomerAccess{TBuilder}"/> to an endpoint with {customerId} in its route; call
/// <see cref="TryActFor"/> where the customer is named in the query or the body, or comes from the order or case.
/// </summary>
public static class CustomerAccess
{
    public const string RouteParameter = "customerId";

    /// <summary>The customer the caller acts for.</summary>
    /// <param name="named">The customerId the request names (staff's way of choosing a customer); for a storefront caller it may only repeat its token's customer.</param>
    /// <param name="customerId">Staff: <paramref name="named"/> (null: any customer). Storefront: its token's customer.</param>
    /// <returns>False for a storefront caller without a customer token, or naming another customer.</returns>
    public static bool TryActFor(ClaimsPrincipal user, Guid? named, out Guid? customerId)
    {
        if (Callers.IsStaff(user))
        {
            customerId = named;
            return true;
        }

        customerId = TokenCustomer(user);
        return customerId is not null && (named is null || named == customerId);
    }

    /// <summary>The customer of the request's customer token, or null.</summary>
    public static Guid? TokenCustomer(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Callers.CustomerClaim), out var own) ? own : null;

    /// <summary>Answers 404 unless the caller may see the customer named by the route's {customerId}.</summary>
    public static TBuilder RequireCustomerAccess<TBuilder>(this TBuilder builder, string routeParameter = RouteParameter)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            return Guid.TryParse(http.Request.RouteValues[routeParameter]?.ToString(), out var customerId) && Callers.MaySeeCustomer(http.User, customerId)
                ? await next(context)
                : NotFound(customerId);
        });

    public static NotFoundProblem NotFound(Guid? customerId) =>
        Problems.NotFound("No such customer.", customerId is { } id ? $"Customer {id} does not exist." : "There is no such customer.");
}
