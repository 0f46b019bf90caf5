using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Grains.Workflows.Engine;
using Npgsql;

namespace Misty.Grains.Insights;

public static class InsightsRegistration
{
    /// <summary>The insights' store and engine and their nightly workflow plan.</summary>
    public static ISiloBuilder AddMistyInsights(this ISiloBuilder silo, NpgsqlDataSource database)
    {
        silo.Services.AddInsightStore(database);
        silo.Services.AddSingleton(new InsightFactsReader(database));
        silo.Services.AddSingleton(services => ActivatorUtilities.CreateInstance<InsightsEngine>(services, database));
        silo.Services.AddSingleton<IWorkflowPlan, InsightsRefreshPlan>();
        return silo;
    }

    /// <summary>The store, its notices and the decisions, for the silo and for the web side's API (either may register it first).</summary>
    public static IServiceCollection AddInsightStore(this IServiceCollection services, NpgsqlDataSource database)
    {
        services.TryAddSingleton<InsightNotices>();
        services.TryAddSingleton(provider => new InsightStore(database, provider.GetRequiredService<InsightNotices>()));
        services.TryAddSingleton<InsightDecisions>();
        return services;
    }
}
