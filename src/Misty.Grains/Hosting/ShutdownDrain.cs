using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Misty.Grains.Hosting;

/// <summary>Settings <c>Misty:Shutdown</c>.</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Misty:Shutdown";

    /// <summary>
    /// How long a stopping process keeps serving after /health/ready turned 503, before its listener closes: long enough
    /// for a load balancer (or Kubernetes' endpoints) to stop sending it new requests.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What the host allows for the whole stop after the drain: in-flight requests, then the silo's graceful leave.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(45);
}

/// <summary>
/// A graceful stop in order, on SIGTERM: readiness answers 503 at once while requests are still served for
/// <see cref="ShutdownOptions.DrainDelay"/>; then the host stops the web server (it takes no new connections and finishes
/// the requests in flight, as it is registered last), then the silo (Orleans deactivates its grains, so they move to the
/// other silos on their next call, and leaves the membership table).
/// </summary>
public sealed class ShutdownDrain(IOptions<ShutdownOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        logger.LogInformation("Stopping: readiness is now 503; serving for {DrainDelay} more before the listener closes.", options.Value.DrainDelay);
        try
        {
            await Task.Delay(options.Value.DrainDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's stop timeout ran out: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class ShutdownDrainExtensions
{
    /// <summary>The drain on SIGTERM, and a host stop timeout that leaves room for it and for the silo's graceful leave.</summary>
    public static IServiceCollection AddMistyShutdownDrain(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ShutdownOptions>(configuration.GetSection(ShutdownOptions.Section));
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) =>
            host.ShutdownTimeout = shutdown.Value.DrainDelay + shutdown.Value.StopTimeout);
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(provider => provider.GetRequiredService<ShutdownDrain>());
        return services;
    }
}
