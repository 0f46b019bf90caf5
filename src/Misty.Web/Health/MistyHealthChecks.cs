using Microsoft.Extensions.Diagnostics.HealthChecks;
using Misty.Persistence;
using Npgsql;
using Orleans.Runtime;

namespace Misty.Web.Health;

public static class MistyHealthChecks
{
    private const string Ready = "ready";

    public static IServiceCollection AddMistyHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<SiloActiveHealthCheck>("silo", tags: [Ready])
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready]);
        return services;
    }

    /// <summary>/health/live: the process answers. /health/ready: database reachable and migrated, silo active.</summary>
    public static IEndpointRouteBuilder MapMistyHealthChecks(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(Ready) }).AllowAnonymous();
        return routes;
    }
}

internal sealed class SiloActiveHealthCheck(ILocalSiloDetails silo, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {silo.SiloAddress} is active.")
            : HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is {status}."));
    }
}

internal sealed class DatabaseHealthCheck(NpgsqlDataSource database, MistyMigrator migrator) : IHealthCheck
{
    private volatile bool _migrated;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable.", ex);
        }

        // Once current, the schema stays current for this process: only its own start migrates.
        if (!_migrated)
        {
            var pending = migrator.PendingMigrations();
            if (pending.Count > 0)
            {
                return HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied, first {pending[0]}.");
            }

            _migrated = true;
        }

        return HealthCheckResult.Healthy();
    }
}
