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

    public static OpenTelemetryBuilder AddMistyTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddMeter(MistyMetrics.MeterName)
                .AddMeter(OrleansMeters)
                .AddMeter("Npgsql")
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(OrleansSources)
                .AddNpgsql()
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            telemetry.WithLogging(_ => { }, logging => logging.IncludeScopes = true).UseOtlpExporter();
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
