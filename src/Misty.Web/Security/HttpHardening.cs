using Microsoft.AspNetCore.Server.Kestrel.Core;
using Misty.Web.Api;

namespace Misty.Web.Security;

/// <summary>Request body limits, bad-request problems, NUL refusal, rate limits and security headers for every response.</summary>
public static class HttpHardening
{
    /// <summary>1 MiB: far above any body the API takes; an endpoint that needs more raises it for itself.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    // For API answers (JSON, problem details). A page that needs more, like the dashboard's, sets its own policy.
    private const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddMistyHttpHardening(this IServiceCollection services, IConfiguration configuration)
    {
        // A body over the limit fails while it is read: 413, answered by BadRequestProblems.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // Binding failures become exceptions that BadRequestProblems turns into problem details naming the field.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        services.RefuseNulInJson();
        services.AddMistyRateLimiting(RateLimitSettings.FromConfiguration(configuration));
        return services;
    }

    /// <summary>First in the pipeline: the security headers, and the refusal of NUL characters in query strings.</summary>
    public static IApplicationBuilder UseMistyHttpHardening(this IApplicationBuilder app) => app.UseSecurityHeaders().RefuseNulInQuery();

    /// <summary>Adds the headers to every response that does not set them itself.</summary>
    private static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers.TryAdd("X-Content-Type-Options", "nosniff");
                headers.TryAdd("X-Frame-Options", "DENY");
                headers.TryAdd("Content-Security-Policy", ContentSecurityPolicy);
                headers.TryAdd("Referrer-Policy", "no-referrer");
                headers.TryAdd("Cross-Origin-Opener-Policy", "same-origin");
                headers.TryAdd("Cross-Origin-Resource-Policy", "same-origin");
                headers.TryAdd("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
                // Answers carry tokens and customers' data: no shared or browser cache keeps them.
                headers.TryAdd("Cache-Control", "no-store");
                return Task.CompletedTask;
            }, http.Response);
            return next(http);
        });
}
