using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Customers;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Grains.Workflows.Engine;
using Npgsql;

namespace Misty.Grains.Recommendations;

public static class RecommendationRegistration
{
    /// <summary>The recommender's store, refresher and nightly workflow plan.</summary>
    public static ISiloBuilder AddMistyRecommendations(this ISiloBuilder silo, NpgsqlDataSource database)
    {
        silo.Services.AddSingleton(new PostgresRecommendationStore(database));
        silo.Services.AddSingleton<CustomerRecommendationRefresher>();
        silo.Services.AddSingleton<IWorkflowPlan, CustomerRecommendationRefreshPlan>();
        silo.Services.AddSingleton<RecommendationRefreshQueue>();
        silo.Services.AddSingleton<ICustomerPurchaseListener>(services => services.GetRequiredService<RecommendationRefreshQueue>());
        silo.Services.AddHostedService(services => services.GetRequiredService<RecommendationRefreshQueue>());
        return silo;
    }
}
