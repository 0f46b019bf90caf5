using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces.Customers;
using Misty.Web.Api;

namespace Misty.Web.Security;

/// <summary>
/// Customer tokens (in the spirit of Shopify's Multipass): after the site has signed a customer in, its backend (a
/// server key) asks for a short-lived token for that customer and hands it to the customer's browser or app, which
/// sends it as X-Customer-Token with any storefront key. Revoking ends every token of the customer.
/// </summary>
public static class CustomerTokensApi
{
    public static IEndpointRouteBuilder MapCustomerTokensApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/customer-tokens", IssueAsync).WithTags("Customer tokens")
            .RequireAuthorization(MistyPolicies.Storefront, MistyPolicies.StorefrontServer)
            .WithName("issueCustomerToken")
            .WithSummary("A server key's short-lived token for one signed-in customer, to send as X-Customer-Token.");
        routes.MapDelete("/api/customers/{customerId:guid}/tokens", RevokeAsync).WithTags("Customer tokens")
            .RequireAuthorization(MistyPolicies.Storefront, MistyPolicies.StorefrontServer)
            .WithName("revokeCustomerTokens")
            .WithSummary("Ends every customer token of the customer issued so far (sign-out everywhere, a suspected leak).");
        return routes;
    }

    private static async Task<Results<Ok<CustomerTokenResponse>, ValidationProblem, NotFoundProblem>> IssueAsync(
        CreateCustomerTokenRequest request, IGrainFactory grains, CustomerTokens tokens, CancellationToken cancellationToken)
    {
        var min = (int)CustomerTokens.MinLifetime.TotalSeconds;
        var max = (int)CustomerTokens.MaxLifetime.TotalSeconds;
        var errors = new FieldErrors()
            .Check(request.CustomerId is { } id && id != Guid.Empty, "customerId", "Required: the customer the site has signed in.")
            .Check(request.TtlSeconds is null || (request.TtlSeconds >= min && request.TtlSeconds <= max), "ttlSeconds",
                $"From {min} to {max} seconds; {(int)CustomerTokens.DefaultLifetime.TotalSeconds} when left out.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var customerId = request.CustomerId!.Value;
        if (await grains.GetGrain<ICustomerGrain>(customerId).GetAsync() is null)
        {
            return CustomerAccess.NotFound(customerId);
        }

        var lifetime = request.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : CustomerTokens.DefaultLifetime;
        var (token, expiresAt) = await tokens.IssueAsync(customerId, lifetime, cancellationToken);
        return TypedResults.Ok(new CustomerTokenResponse(token, expiresAt));
    }

    private static async Task<Results<NoContent, NotFoundProblem>> RevokeAsync(
        Guid customerId, ClaimsPrincipal user, IGrainFactory grains, CustomerTokens tokens, IAuditLog audit, CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<ICustomerGrain>(customerId).GetAsync() is null)
        {
            return CustomerAccess.NotFound(customerId);
        }

        await tokens.RevokeAsync(customerId, cancellationToken);
        await audit.RecordAsync(new AuditEntry("customer_tokens.revoked", Callers.Id(user), $"Every token of customer {customerId} was revoked.")
        {
            Severity = AuditSeverity.Warning,
            Details = new Dictionary<string, object?> { ["customerId"] = customerId },
        });
        return TypedResults.NoContent();
    }
}
