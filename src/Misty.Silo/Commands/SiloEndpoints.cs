using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Misty.Grains.Hosting;
using Misty.Grains.Orders.Payments;
using Misty.Grains.Telemetry;
using Misty.Persistence;
using Npgsql;
using OpenTelemetry.Metrics;

namespace Misty.Silo.Commands;

/// <summary>
/// A headless silo's own small HTTP listener, when <see cref="ListenSetting"/> names one: Prometheus' <c>/metrics</c>
/// and the <c>/health/live</c> and <c>/health/ready</c> probes, without credentials (the listener is for the scraper
/// and the kubelet only; a NetworkPolicy keeps it to them). No API is served here.
/// </summary>
internal static class SiloEndpoints
{
    /// <summary>The same setting as Misty.Web's metrics listener, e.g. http://0.0.0.0:9464.</summary>
    public const string ListenSetting = "MISTY_METRICS_URL";

    private const string Ready = "ready";

    public static Uri? ListenUri(IConfiguration configuration) =>
        configuration[ListenSetting] is not { Length: > 0 } value ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri
        : throw new MistyConfigurationException($"{ListenSetting} '{value}' is not an absolute URL with a port, e.g. http://0.0.0.0:9464.");

    /// <summary>The silo host with the listener at <paramref name="listen"/>.</summary>
    public static WebApplication Build(string[] args, Uri listen, MistyOptions options, NpgsqlDataSource database)
    {
        // appsettings.json (log levels) is found beside the program, whatever the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(listen.GetLeftPart(UriPartial.Authority));
        builder.Services.AddHealthChecks()
            .AddCheck<SiloActiveHealthCheck>("silo", tags: [Ready])
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready]);
        builder.Services.AddMistyDatabase(database);
        builder.Services.UseRemotePayments();
        builder.Services.AddSingleton(new MistyMigrator(options.Database!, NullLogger.Instance));

        builder.Logging.AddMistyLogging(builder.Configuration);
        builder.Services.AddMistyTelemetry(builder.Configuration, "misty-silo").WithMetrics(metrics => metrics.AddPrometheusExporter());
        builder.UseOrleans(silo => silo.UseMisty(options, database));

        var app = builder.Build();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(Ready) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
