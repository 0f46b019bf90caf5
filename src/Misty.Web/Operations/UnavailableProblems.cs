using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Misty.Grains.Telemetry;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Misty.Web.Operations;

/// <summary>
/// Turns a failure that a retry can cure (PostgreSQL away or restarting, a dead silo not yet noticed, a call that timed
/// out) into a 503 problem with Retry-After, wherever it surfaces: in an endpoint, a grain, a storage provider or the
/// credential store. Nothing such a request did was acknowledged, so a retry with the same Idempotency-Key is safe.
/// </summary>
internal sealed class UnavailableProblems(IProblemDetailsService problems, ILogger<UnavailableProblems> log) : IExceptionHandler
{
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (Cause(exception) is not { } cause)
        {
            return false;
        }

        log.LogWarning("{Method} {Path} answered 503: {Cause}", http.Request.Method, http.Request.Path, cause);
        MistyMetrics.UnavailableAnswers.Add(1);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Misty is briefly unavailable: retry shortly with the same Idempotency-Key.",
            Detail = cause,
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>What is unavailable, or null when the exception is not a transient outage (it stays a 500).</summary>
    internal static string? Cause(Exception exception)
    {
        foreach (var inner in Chain(exception))
        {
            switch (inner)
            {
                case NpgsqlException { IsTransient: true }:
                    return "The database is unavailable.";
                // Npgsql's exceptions cross silos by name only (Orleans rebuilds exceptions of its allowed namespaces).
                case UnavailableExceptionFallbackException fallback when fallback.ExceptionType?.StartsWith("Npgsql.", StringComparison.Ordinal) == true:
                    return "The database is unavailable.";
                case SiloUnavailableException or OrleansMessageRejectionException:
                    return "A cluster member is unavailable.";
                case TimeoutException:
                    return "The request timed out inside the cluster.";
                // Two activations of one grain for a moment while a silo hands its grains over: the stale one's write
                // is refused by the state's version, nothing of it is stored, and the grain reloads what was.
                case InconsistentStateException:
                    return "A grain was moving between silos; nothing was stored.";
            }
        }

        return null;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var next))
        {
            yield return next;
            if (next is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (next.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
