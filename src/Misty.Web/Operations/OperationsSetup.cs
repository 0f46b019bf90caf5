using System.Globalization;
using Misty.Grains.Hosting;
using Misty.Grains.Telemetry;
using Misty.Web.Security;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace Misty.Web.Operations;

/// <summary>What operators need from a Misty.Web node: 503s for outages, telemetry, Prometheus, the Orleans dashboard.</summary>
public static class OperationsSetup
{
    /// <summary>Where Prometheus scrapes without credentials, e.g. http://0.0.0.0:9464; unset, /metrics is for admins.</summary>
    public const string MetricsUrlSetting = "MISTY_METRICS_URL";

    public const string MetricsPath = "/metrics";
    public const string OrleansDashboardPath = "/orleans";

    public static WebApplicationBuilder AddMistyOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddExceptionHandler<UnavailableProblems>();
        builder.Services.AddMistyShutdownDrain(builder.Configuration);
        builder.Logging.AddMistyLogging(builder.Configuration);
        builder.Services.AddMistyTelemetry(builder.Configuration, "misty-web", tracing => tracing.AddAspNetCoreInstrumentation(aspnet =>
                aspnet.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments(MetricsPath)))
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().WithoutRepeatedRequestMetrics().AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// Per-request instruments whose story <c>http.server.request.duration</c> already tells: its count by route and
    /// status code is the request rate, and its 401s, 403s and 429s the refusals. Each costs work on every request
    /// (several on the reservation path), and a dropped instrument is never recorded at all.
    /// </summary>
    public static readonly IReadOnlyList<string> RepeatedRequestInstruments =
    [
        "http.server.active_requests",
        "aspnetcore.routing.match_attempts",
        "aspnetcore.authentication.authenticate.duration",
        "aspnetcore.authorization.attempts",
        "aspnetcore.rate_limiting.active_request_leases",
        "aspnetcore.rate_limiting.request_lease.duration",
        "aspnetcore.rate_limiting.requests",
    ];

    private static MeterProviderBuilder WithoutRepeatedRequestMetrics(this MeterProviderBuilder metrics)
    {
        foreach (var instrument in RepeatedRequestInstruments)
        {
            metrics.AddView(instrument, MetricStreamConfiguration.Drop);
        }

        return metrics;
    }

    /// <summary>The URLs to listen on: the API's, and the metrics listener's when one is configured.</summary>
    public static string ListenUrls(IConfiguration configuration, string apiUrls) =>
        MetricsUri(configuration) is { } metrics ? $"{apiUrls};{metrics.GetLeftPart(UriPartial.Authority)}" : apiUrls;

    public static IEndpointRouteBuilder MapMistyOperations(this IEndpointRouteBuilder routes, MistyOptions options)
    {
        var configuration = routes.ServiceProvider.GetRequiredService<IConfiguration>();
        var scrape = routes.MapPrometheusScrapingEndpoint(MetricsPath);
        if (MetricsUri(configuration) is { } metrics)
        {
            // Only on the metrics listener, which a NetworkPolicy or the host's firewall keeps to the scraper.
            scrape.RequireHost("*:" + metrics.Port.ToString(CultureInfo.InvariantCulture)).AllowAnonymous();
        }
        else
        {
            scrape.RequireAuthorization(MistyPolicies.Admin);
        }

        if (options.OrleansDashboard)
        {
            routes.MapOrleansDashboard(OrleansDashboardPath).RequireAuthorization(MistyPolicies.Admin);
        }

        return routes;
    }

    private static Uri? MetricsUri(IConfiguration configuration) =>
        configuration[MetricsUrlSetting] is not { Length: > 0 } value ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri
        : throw new MistyConfigurationException($"{MetricsUrlSetting} '{value}' is not an absolute URL with a port, e.g. http://0.0.0.0:9464.");
}
