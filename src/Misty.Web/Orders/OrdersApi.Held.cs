using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Orders;

/// <param name="Items">The alerts of the page, oldest first.</param>
/// <param name="Total">Alerts waiting in all.</param>
public sealed record FraudAlertPage(IReadOnlyList<FraudAlert> Items, int Page, int PageSize, long Total);

/// <summary>The fraud review queue, paged: every order held for review, not only the dashboard's first page.</summary>
public static partial class OrdersApi
{
    private static IEndpointRouteBuilder MapHeldOrders(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/orders/held", ([AsParameters] PageQuery query, FraudAlertQueueSection queue, CancellationToken cancellationToken) =>
                ListHeldAsync(query, queue, cancellationToken))
            .WithTags("Orders").RequireAuthorization(MistyPolicies.Staff).WithName("listHeldOrders")
            .WithSummary("Orders held for fraud review, oldest first: each flagged payment with its score and reasons.");
        return routes;
    }

    private static async Task<Results<Ok<FraudAlertPage>, ValidationProblem>> ListHeldAsync(PageQuery query, FraudAlertQueueSection queue,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (page, pageSize) = (query.PageOf(errors), query.PageSizeOf(errors));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (items, total) = await queue.PageAsync(page, pageSize, cancellationToken);
        return TypedResults.Ok(new FraudAlertPage(items, page, pageSize, total));
    }
}
