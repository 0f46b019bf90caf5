using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Knowledge;
using Misty.Grains.Projections;
using Npgsql;

namespace Misty.Grains.Customers;

public static class CustomerRegistration
{
    /// <summary>Customers on a silo: their settings, the store and the projection rebuilder (registered before orders': an order's row refers to its customer's).</summary>
    public static ISiloBuilder AddMistyCustomers(this ISiloBuilder silo, NpgsqlDataSource database)
    {
        silo.Services.AddOptions<CustomerOptions>().BindConfiguration(CustomerOptions.Section);
        silo.Services.AddSingleton<ICustomerStore>(new PostgresCustomerStore(database));
        silo.Services.TryAddSingleton<KnowledgeNotices>();
        silo.Services.AddProjectionRebuilder("customers",
            new ProjectedGrainKind(CustomerGrain.StateName, (grains, customer) => grains.GetGrain<ICustomerGrain>(customer).RebuildProjectionAsync()));
        return silo;
    }
}
