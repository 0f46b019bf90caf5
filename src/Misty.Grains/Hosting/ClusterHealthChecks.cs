using Microsoft.Extensions.Diagnostics.HealthChecks;
using Misty.Persistence;
using Npgsql;
using Orleans.Runtime;

namespace Misty.Grains.Hosting;

/// <summary>Ready only while this process's silo is active in the cluster (Misty.Web and the headless Misty.Silo alike).</summary>
public sealed class SiloActiveHealthCheck(ILocalSiloDetails silo, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {silo.SiloAddress} is active.")
            : HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is {status}."));
    }
}

/// <summary>Ready only while PostgreSQL answers and every migration this build knows is applied.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource database, MistyMigrator migrator) : IHealthCheck
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

/// <summary>Not ready once the process has been told to stop, so load balancers take it out before it closes.</summary>
public sealed class DrainingHealthCheck(ShutdownDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.Draining ? HealthCheckResult.Unhealthy("Shutting down: draining.") : HealthCheckResult.Healthy());
}
