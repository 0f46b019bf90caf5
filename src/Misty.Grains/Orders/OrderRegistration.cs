using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Customers;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders.Payments;
using Misty.Grains.Storage.Projections;
using Npgsql;

namespace Misty.Grains.Orders;

public static class OrderRegistration
{
    /// <summary>
    /// Orders, payments, shipments and customers on a silo: settings, the payment gateway (the simulated one unless a
    /// real <see cref="IPaymentGateway"/> was registered before), the stores and the projection rebuilders.
    /// </summary>
    /// <param name="database">The shared data source; null in the embedded in-memory mode.</param>
    public static ISiloBuilder AddMistyOrders(this ISiloBuilder silo, NpgsqlDataSource? database)
    {
        silo.Services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section);
        silo.Services.AddOptions<SimulatedGatewayOptions>().BindConfiguration(SimulatedGatewayOptions.Section);
        silo.Services.TryAddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
        if (database is null)
        {
            silo.Services.AddSingleton<IOrderStore, EmbeddedOrderStore>();
            silo.Services.AddSingleton<ICustomerStore, EmbeddedCustomerStore>();
        }
        else
        {
            silo.Services.AddSingleton<IOrderStore>(services => new PostgresOrderStore(database, services.GetRequiredService<TimeProvider>()));
            silo.Services.AddSingleton<ICustomerStore>(new PostgresCustomerStore(database));
            // Customers first: an order's row refers to its customer's.
            silo.Services.AddProjectionRebuilder("customers",
                new ProjectedGrainKind(CustomerGrain.StateName, (grains, customer) => grains.GetGrain<ICustomerGrain>(customer).RebuildProjectionAsync()));
            silo.Services.AddProjectionRebuilder("orders",
                new ProjectedGrainKind(OrderGrain.StateName, (grains, order) => grains.GetGrain<IOrderGrain>(order).RebuildProjectionAsync()));
        }

        return silo;
    }
}
