using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders.Payments;
using Misty.Grains.Projections;
using Npgsql;

namespace Misty.Grains.Orders;

public static class OrderRegistration
{
    /// <summary>
    /// Orders, payments and shipments on a silo: settings, the payment gateway (the simulated one unless a real
    /// <see cref="IPaymentGateway"/> was registered before), the store and the projection rebuilder.
    /// </summary>
    public static ISiloBuilder AddMistyOrders(this ISiloBuilder silo, NpgsqlDataSource database)
    {
        silo.Services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section);
        silo.Services.AddOptions<SimulatedGatewayOptions>().BindConfiguration(SimulatedGatewayOptions.Section);
        silo.Services.TryAddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
        silo.Services.AddSingleton<IOrderStore>(services => new PostgresOrderStore(database, services.GetRequiredService<TimeProvider>()));
        silo.Services.AddProjectionRebuilder("orders",
            new ProjectedGrainKind(OrderGrain.StateName, (grains, order) => grains.GetGrain<IOrderGrain>(order).RebuildProjectionAsync()));

        return silo;
    }
}
