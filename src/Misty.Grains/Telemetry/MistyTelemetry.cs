using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Misty.Grains.Telemetry;

/// <summary>OpenTelemetry for every Misty process: Misty's, Orleans' and Npgsql's meters and traces, OTLP when configured.</summary>
public static class MistyTelemetry
{
    /// <summary>The standard OpenTelemetry setting; when it names a collector, metrics, traces and logs go there too.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Orleans' meter and activity sources (grain calls are traced where activity propagation is on).</summary>
    private static readonly string[] OrleansMeters = ["Microsoft.Orleans"];
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <param name="tracing">The process's own trace instrumentation, added with the common one.</param>
    public static OpenTelemetryBuilder AddMistyTelemetry(
        this IServiceCollection services, IConfiguration configuration, string serviceName, Action<TracerProviderBuilder>? tracing = null)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddMeter(MistyMetrics.MeterName)
                .AddMeter(OrleansMeters)
                .AddMeter("Npgsql")
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());
        // Traces are recorded only when they have somewhere to go: spans and their tags on every request, grain call and
        // query are work and allocations that no one would read. Logs carry trace and span ids either way: ASP.NET Core
        // starts an activity per request for its logging scope.
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            telemetry
                .WithTracing(builder =>
                {
                    builder.AddSource(OrleansSources).AddNpgsql().AddHttpClientInstrumentation();
                    tracing?.Invoke(builder);
                })
                .WithLogging(_ => { }, logging => logging.IncludeScopes = true)
                .UseOtlpExporter();
        }

        return telemetry;
    }

    /// <summary>
    /// Every log record carries the trace and span of the request or grain call it belongs to; MISTY_LOG_FORMAT=json
    /// writes one JSON object per line with them (for a log collector), the default stays readable text.
    /// </summary>
    public static ILoggingBuilder AddMistyLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.Configure(factory => factory.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (string.Equals(configuration["MISTY_LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.ClearProviders();
            logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(console => console.IncludeScopes = true);
        }

        return logging;
    }
}
