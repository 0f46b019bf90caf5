using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Customers;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Grains.Workflows.Engine;
using Npgsql;

namespace Misty.Grains.Recommendations;

public static class RecommendationRegistration
{
    /// <summary>
    /// The recommender's store, refresher and nightly workflow plan. They read and write the relational rows, so the
    /// embedded mode (no database) has none.
    /// </summary>
    public static ISiloBuilder AddMistyRecommendations(this ISiloBuilder silo, NpgsqlDataSource? database)
    {
        if (database is null)
        {
            return silo;
        }

        silo.Services.AddSingleton(new PostgresRecommendationStore(database));
        silo.Services.AddSingleton<CustomerRecommendationRefresher>();
        silo.Services.AddSingleton<IWorkflowPlan, CustomerRecommendationRefreshPlan>();
        silo.Services.AddSingleton<RecommendationRefreshQueue>();
        silo.Services.AddSingleton<ICustomerPurchaseListener>(services => services.GetRequiredService<RecommendationRefreshQueue>());
        silo.Services.AddHostedService(services => services.GetRequiredService<RecommendationRefreshQueue>());
        return silo;
    }
}
