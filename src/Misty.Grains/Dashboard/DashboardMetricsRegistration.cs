using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Misty.Grains.Dashboard;

public static class DashboardMetricsRegistration
{
    /// <summary>The figures come from PostgreSQL when there is a database, and are zero in the embedded mode.</summary>
    public static IServiceCollection AddDashboardMetrics(this IServiceCollection services, NpgsqlDataSource? database) =>
        database is null
            ? services.AddSingleton<IMetricsSource, EmbeddedMetricsSource>()
            : services.AddSingleton<IMetricsSource>(new PostgresMetricsSource(database));
}
