using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Misty.Web.Api;

/// <summary>
/// Problem details (RFC 9457) of one status each, as typed results: a handler returning
/// <c>Results&lt;Ok&lt;T&gt;, NotFoundProblem, ConflictProblem&gt;</c> declares every status it answers in the OpenAPI
/// document, with the problem schema and content type it really writes.
/// </summary>
public static class Problems
{
    /// <summary>A 400 that is not about a named field (a webhook whose signature does not verify).</summary>
    public static BadRequestProblem BadRequest(string title, string? detail = null) => new(Of(StatusCodes.Status400BadRequest, title, detail, null));

    public static NotFoundProblem NotFound(string title, string? detail = null) => new(Of(StatusCodes.Status404NotFound, title, detail, null));

    public static ConflictProblem Conflict(string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        new(Of(StatusCodes.Status409Conflict, title, detail, extensions));

    public static UnprocessableProblem Unprocessable(string title, string? detail = null) =>
        new(Of(StatusCodes.Status422UnprocessableEntity, title, detail, null));

    public static UnauthorizedProblem Unauthorized(string title, string? detail = null) =>
        new(Of(StatusCodes.Status401Unauthorized, title, detail, null));

    public static ForbiddenProblem Forbidden(string title, string? detail = null) => new(Of(StatusCodes.Status403Forbidden, title, detail, null));

    public static UnavailableProblem Unavailable(string title, string? detail = null) =>
        new(Of(StatusCodes.Status503ServiceUnavailable, title, detail, null));

    public static TooManyRequestsProblem TooManyRequests(string title, string? detail = null) =>
        new(Of(StatusCodes.Status429TooManyRequests, title, detail, null));

    public static BadGatewayProblem BadGateway(string title, string? detail = null) => new(Of(StatusCodes.Status502BadGateway, title, detail, null));

    /// <summary>A validation problem naming one field.</summary>
    public static ValidationProblem Field(string field, string message) => new FieldErrors().Add(field, message).ToProblem();

    private static ProblemHttpResult Of(int status, string title, string? detail, IDictionary<string, object?>? extensions) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: extensions);

    internal static void Declare(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>A problem details answer whose status is fixed by its type.</summary>
public abstract class StatusProblem(ProblemHttpResult problem) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    public ProblemDetails Value => problem.ProblemDetails;

    object? IValueHttpResult.Value => problem.ProblemDetails;

    public int? StatusCode => problem.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => problem.ExecuteAsync(httpContext);
}

public sealed class BadRequestProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status400BadRequest);
}

public sealed class NotFoundProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status404NotFound);
}

public sealed class TooManyRequestsProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status429TooManyRequests);
}

public sealed class ConflictProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status409Conflict);
}

public sealed class UnprocessableProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status422UnprocessableEntity);
}

public sealed class UnauthorizedProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status401Unauthorized);
}

public sealed class ForbiddenProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status403Forbidden);
}

public sealed class UnavailableProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status503ServiceUnavailable);
}

public sealed class BadGatewayProblem(ProblemHttpResult problem) : StatusProblem(problem), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status502BadGateway);
}

/// <summary>One of two problem answers (say 404 or 409), both declared: for a helper that maps a refusal to either.</summary>
public sealed class EitherProblem<TFirst, TSecond> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
    where TFirst : StatusProblem, IEndpointMetadataProvider
    where TSecond : StatusProblem, IEndpointMetadataProvider
{
    private readonly StatusProblem _problem;

    private EitherProblem(StatusProblem problem) => _problem = problem;

    public int? StatusCode => _problem.StatusCode;

    public static implicit operator EitherProblem<TFirst, TSecond>(TFirst problem) => new(problem);

    public static implicit operator EitherProblem<TFirst, TSecond>(TSecond problem) => new(problem);

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        TFirst.PopulateMetadata(method, builder);
        TSecond.PopulateMetadata(method, builder);
    }
}
