using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Recommendations;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Recommendations;

/// <summary>A suggestion as the storefront shows it.</summary>
public sealed record RecommendationResponse(
    Guid RecId, Guid AlbumId, string Title, string Artist, decimal RecommendationScore, string? Reason,
    bool Clicked, bool Purchased, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    public static RecommendationResponse From(StoredRecommendation row) =>
        new(row.RecId, row.AlbumId, row.Title, row.Artist, row.RecommendationScore, row.Reason, row.Clicked, row.Purchased, row.CreatedAt, row.ExpiresAt);
}

/// <summary>
/// A customer's personal suggestions. They are customers' data, so they follow <see cref="CustomerAccess"/>:
/// staff, or a storefront call with that customer's X-Customer-Token; anyone else gets 404 so that ids cannot be probed.
/// </summary>
public static class RecommendationsApi
{
    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/customers/{customerId:guid}/recommendations").WithTags("Recommendations")
            .RequireAuthorization(MistyPolicies.Storefront)
            .RequireCustomerAccess();
        group.MapGet("", ListAsync).WithName("listRecommendations")
            .WithSummary("The customer's current suggestions, best first: none already bought or out of stock, at most two per artist in ten, each with a reason.");
        group.MapPost("/{recId:guid}/click", ClickAsync).WithName("clickRecommendation")
            .WithSummary("Records that the customer opened a suggestion.");
        return routes;
    }

    private static async Task<Results<Ok<List<RecommendationResponse>>, ValidationProblem, NotFoundProblem>> ListAsync(
        Guid customerId, string? k, IGrainFactory grains, PostgresRecommendationStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var count = 10;
        var errors = new FieldErrors();
        errors.Check(k is null || int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= AlbumSuggestions.ListLength,
            "k", $"A whole number from 1 to {AlbumSuggestions.ListLength}.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // The hot path is one query: the customer's row and list together, no grain woken. Without a row, the grain
        // (the owner of the customer) decides: one created a moment ago has an empty list, an id of nobody is a 404.
        var rows = await store.CurrentAsync(customerId, count, clock.GetUtcNow(), cancellationToken);
        if (rows is null && await grains.GetGrain<ICustomerGrain>(customerId).GetAsync() is null)
        {
            return CustomerAccess.NotFound(customerId);
        }

        return TypedResults.Ok((rows ?? []).Select(RecommendationResponse.From).ToList());
    }

    private static async Task<Results<NoContent, NotFoundProblem>> ClickAsync(
        Guid customerId, Guid recId, PostgresRecommendationStore store, CancellationToken cancellationToken) =>
        await store.ClickAsync(customerId, recId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("No such recommendation.", $"Customer {customerId} has no recommendation {recId}.");
}
