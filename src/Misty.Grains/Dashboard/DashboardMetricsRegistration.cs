using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Misty.Grains.Dashboard;

public static class DashboardMetricsRegistration
{
    /// <summary>The dashboard's figures, read from the order and ledger rows.</summary>
    public static IServiceCollection AddDashboardMetrics(this IServiceCollection services, NpgsqlDataSource database) =>
        services.AddSingleton<IMetricsSource>(new PostgresMetricsSource(database));
}
