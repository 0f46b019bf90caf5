using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Forecasting;
using Misty.Web.Api;
using Misty.Web.Catalog;
using Misty.Web.Security;

namespace Misty.Web.Forecasting;

/// <summary>A week of an album's demand forecast.</summary>
public sealed record ForecastWeekResponse(DateOnly WeekStart, int PredictedDemand, int? LowerBound, int? UpperBound, decimal? ConfidenceLevel);

/// <param name="Explanation">What drove the forecast: model, level, recent weeks, sale probability, interval pool, peers.</param>
public sealed record AlbumForecastResponse(Guid AlbumId, string? ModelVersion, IReadOnlyList<ForecastWeekResponse> Weeks, JsonElement? Explanation);

public static class ForecastApi
{
    public static IEndpointRouteBuilder MapForecastApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/albums/{albumId:guid}/forecast", GetAsync)
            .WithTags("Forecasts")
            .RequireAuthorization(MistyPolicies.Staff)
            .WithName("getAlbumForecast")
            .WithSummary("The album's weekly demand forecast from the current week on, with its interval bounds and what drove it.");
        return routes;
    }

    private static async Task<Results<Ok<AlbumForecastResponse>, NotFoundProblem>> GetAsync(
        Guid albumId, DemandForecastStore store, AlbumCatalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(albumId, cancellationToken) is null)
        {
            return Problems.NotFound("No such album.", $"There is no album {albumId}.");
        }

        return TypedResults.Ok(await LoadAsync(albumId, store, clock, cancellationToken));
    }

    /// <summary>The album's forecast from the current week on (the API's and the agents' get_forecast answer).</summary>
    public static async Task<AlbumForecastResponse> LoadAsync(Guid albumId, DemandForecastStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        // The week that is under way started up to six days ago.
        var from = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-6);
        var weeks = await store.WeeksAsync(albumId, from, cancellationToken);
        return new AlbumForecastResponse(
            albumId,
            weeks.Count == 0 ? null : weeks[0].ModelVersion,
            weeks.Select(w => new ForecastWeekResponse(w.WeekStart, w.PredictedDemand, w.LowerBound, w.UpperBound, w.ConfidenceLevel)).ToList(),
            weeks.Count == 0 ? null : weeks[0].InfluencingFactors);
    }
}
