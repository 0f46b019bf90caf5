using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Misty.Web.Api;

/// <summary>
/// Turns a request the endpoint could not bind (malformed JSON, a value of the wrong type, a missing or oversized body,
/// a wrong content type) into problem details: a validation problem naming the field when the JSON reader knows it.
/// Handled here, it is not logged as a server error (.NET 10 suppresses diagnostics of handled exceptions).
/// </summary>
internal sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        http.Response.StatusCode = bad.StatusCode;
        ProblemDetails problem = bad.InnerException is JsonException { Path: { } path } && bad.StatusCode == StatusCodes.Status400BadRequest
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [FieldOf(path)] = ["Not a valid value here: check the JSON syntax and the field's type and range."],
            })
            { Title = "The request body could not be read.", Status = bad.StatusCode }
            : new ProblemDetails { Title = TitleOf(bad.StatusCode), Status = bad.StatusCode };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>"$.lines[0].quantity" → "lines[0].quantity", the wire name; the whole body is "body".</summary>
    private static string FieldOf(string jsonPath) => jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : "body";

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
        _ => "The request could not be read: a body or parameter is missing or malformed.",
    };
}
