using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Insights;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Insights;
using Misty.Web.Api;
using Misty.Web.Dashboard;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Web.Insights;

/// <summary>Merchandising insights (ai_recommendations): the list for staff, and accept, dismiss or schedule for managers.</summary>
public static class InsightsApi
{
    /// <summary>How far ahead an insight may be scheduled.</summary>
    public const int MaxScheduleDays = 365;

    public static IServiceCollection AddInsightsWeb(this IServiceCollection services)
    {
        services.TryAddSingleton<InsightNotices>();
        services.TryAddSingleton(provider => new InsightStore(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<InsightNotices>()));
        services.TryAddSingleton<InsightDecisions>();
        return services.AddDashboardEvent<InsightChanged, OpenInsightsSection>(MistyStreams.Insights);
    }

    public static IEndpointRouteBuilder MapInsightsApi(this IEndpointRouteBuilder routes)
    {
        var insights = routes.MapGroup("/api/insights").WithTags("Insights");
        insights.MapGet("", ([AsParameters] InsightListParameters parameters, InsightStore store, CancellationToken cancellationToken) =>
                ListAsync(parameters, store, cancellationToken))
            .RequireAuthorization(MistyPolicies.Staff).WithName("listInsights")
            .WithSummary("Insights (pricing, promotion, customer win-back, reorder), open ones first, by type and status.");
        insights.MapGet("/{recommendationId:guid}", GetAsync).RequireAuthorization(MistyPolicies.Staff).WithName("getInsight")
            .WithSummary("One insight with the numbers behind it.");
        insights.MapPost("/{recommendationId:guid}/accept", AcceptAsync).RequireAuthorization(MistyPolicies.Manager).WithName("acceptInsight")
            .WithSummary("Accepts an open insight; a pricing insight sets the album's price (audited). 409 when it is not open.");
        insights.MapPost("/{recommendationId:guid}/dismiss", DismissAsync).RequireAuthorization(MistyPolicies.Manager).WithName("dismissInsight")
            .WithSummary("Dismisses an open insight; its reason is not raised again for the same subject until it expires. 409 when it is not open.");
        insights.MapPost("/{recommendationId:guid}/schedule", ScheduleAsync).RequireAuthorization(MistyPolicies.Manager).WithName("scheduleInsight")
            .WithSummary("Schedules an open insight for a day (yyyy-MM-dd, today to a year ahead). 409 when it is not open.");
        return routes;
    }

    private static async Task<Results<Ok<InsightPage>, ValidationProblem>> ListAsync(InsightListParameters parameters, InsightStore store,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check(parameters.Type is null || InsightTypes.All.Contains(parameters.Type), "type", $"One of {string.Join(", ", InsightTypes.All)}.")
            .Check(parameters.Status is null || InsightStatuses.All.Contains(parameters.Status), "status", $"One of {string.Join(", ", InsightStatuses.All)}.");
        var (page, pageSize) = (PageParameters.Page(parameters.Page, errors), PageParameters.PageSize(parameters.PageSize, errors));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (items, total) = await store.ListAsync(parameters.Type, parameters.Status, page, pageSize, cancellationToken);
        return TypedResults.Ok(new InsightPage([.. items.Select(InsightResponse.From)], page, pageSize, total));
    }

    private static async Task<Results<Ok<InsightResponse>, NotFoundProblem>> GetAsync(Guid recommendationId, InsightStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(recommendationId, cancellationToken) is { } row ? TypedResults.Ok(InsightResponse.From(row)) : InsightNotFound(recommendationId);

    private static Task<Results<Ok<InsightResponse>, NotFoundProblem, ConflictProblem>> AcceptAsync(Guid recommendationId, ClaimsPrincipal user,
        InsightDecisions decisions, CancellationToken cancellationToken) =>
        DecideAsync(recommendationId, InsightStatuses.Accepted, null, user, decisions, cancellationToken);

    private static Task<Results<Ok<InsightResponse>, NotFoundProblem, ConflictProblem>> DismissAsync(Guid recommendationId, ClaimsPrincipal user,
        InsightDecisions decisions, CancellationToken cancellationToken) =>
        DecideAsync(recommendationId, InsightStatuses.Dismissed, null, user, decisions, cancellationToken);

    private static async Task<Results<Ok<InsightResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> ScheduleAsync(Guid recommendationId,
        ScheduleInsightRequest request, ClaimsPrincipal user, InsightDecisions decisions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var valid = DateOnly.TryParseExact(request.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day);
        var errors = new FieldErrors()
            .Check(valid, "date", "A date (yyyy-MM-dd) is required.")
            .Check(!valid || (day >= today && day <= today.AddDays(MaxScheduleDays)), "date", $"From today to {MaxScheduleDays} days ahead.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await DecideAsync(recommendationId, InsightStatuses.Scheduled, day, user, decisions, cancellationToken) switch
        {
            { Result: Ok<InsightResponse> ok } => ok,
            { Result: NotFoundProblem missing } => missing,
            { Result: ConflictProblem conflict } => conflict,
            var other => throw new InvalidOperationException($"Unexpected result {other.Result}."),
        };
    }

    private static async Task<Results<Ok<InsightResponse>, NotFoundProblem, ConflictProblem>> DecideAsync(Guid recommendationId, string status,
        DateOnly? scheduledFor, ClaimsPrincipal user, InsightDecisions decisions, CancellationToken cancellationToken)
    {
        var decision = await decisions.DecideAsync(recommendationId, status, scheduledFor, Callers.Id(user), null, cancellationToken);
        return decision.Result switch
        {
            DecisionResult.NotFound => InsightNotFound(recommendationId),
            DecisionResult.NotOpen => Problems.Conflict("The insight is not open.", $"Insight {recommendationId} cannot be {status}: {decision.Reason}"),
            DecisionResult.Refused => Problems.Conflict("The insight cannot be accepted.", decision.Reason),
            _ => TypedResults.Ok(InsightResponse.From(decision.Row!)),
        };
    }

    private static NotFoundProblem InsightNotFound(Guid recommendationId) => Problems.NotFound("No such insight.", $"There is no insight {recommendationId}.");
}
