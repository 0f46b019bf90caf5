using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Customers;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders;
using Misty.Grains.Orders.Payments;
using Misty.Grains.Projections;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Orleans.Configuration;
using static Misty.Tests.Orders.OrderTestData;

namespace Misty.Tests.Orders;

[Collection(PostgresCollection.Name)]
public sealed class OrderProjectionTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Rows_converge_after_the_silo_dies_between_the_grain_write_and_its_projection_and_are_rebuilt_from_grain_state()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await AlbumAsync(connectionString, quantity: 6, price: 12.50m);
        var customerId = Guid.NewGuid();
        var orderId = Guid.NewGuid();
        OrderView placed;

        await using (var first = await PostgresCluster.StartAsync(database, connectionString, configure: silo =>
        {
            Quick(silo);
            silo.Services.AddSingleton<IOrderStore>(new StalledProjections(new PostgresOrderStore(database, TimeProvider.System)));
        }))
        {
            await first.Client.GetGrain<ICustomerGrain>(customerId).CreateAsync(new NewCustomer($"kill-{customerId:N}@test.misty", "Kim", "Kill", null, null));
            var outcome = await first.Client.GetGrain<IOrderGrain>(orderId).CreateAsync(new OrderDraft(customerId, SalesChannel.InStore, null,
                [new OrderLineDraft(album, 2, 1.00m)], null, PaymentMethod.Cash, null, "staff:test", "kill-test"));
            Assert.Equal(OrderResult.Ok, outcome.Result);
            placed = outcome.Order!;
            Assert.Equal((OrderStatus.Delivered, 25.92m), (placed.Status, placed.Total));
            // Stored, acknowledged, and not projected: the silo dies now, without a graceful shutdown.
            Assert.Equal("", await OrderRowAsync(connectionString, orderId, "status"));
            await first.KillSiloAsync(first.Silos[0]);
        }

        await using var second = await PostgresCluster.StartAsync(database, connectionString, configure: Quick);
        // Nobody touches the order: its catch-up reminder, registered before the write, brings it back and projects it.
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await OrderRowAsync(connectionString, orderId, "version") == placed.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), seconds: 30));
        Assert.Equal(("delivered", "25.92", placed.OrderNumber), (await OrderRowAsync(connectionString, orderId, "status"),
            await OrderRowAsync(connectionString, orderId, "total"), await OrderRowAsync(connectionString, orderId, "order_number")));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM order_items WHERE order_id = @o AND total = 24.00", ("o", orderId)));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM payments WHERE order_id = @o AND status = 'completed' AND payment_method = 'cash'", ("o", orderId)));
        // The customer heard of the purchase exactly once, whatever was replayed.
        var customer = (await second.Client.GetGrain<ICustomerGrain>(customerId).GetAsync())!;
        Assert.Equal((1, 25.92m), (customer.TotalPurchases, customer.LifetimeValue));
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<decimal>(connectionString, "SELECT lifetime_value FROM customers WHERE customer_id = @c", ("c", customerId)) == 25.92m));

        // Someone damages the rows by hand, even with a higher version: rebuild-projections puts the grain's state back.
        await TestSql.ExecuteAsync(connectionString,
            "UPDATE orders SET status = 'cancelled', total = 0, version = 99 WHERE order_id = @o; DELETE FROM order_items WHERE order_id = @o; " +
            "UPDATE customers SET lifetime_value = 0 WHERE customer_id = @c", ("o", orderId), ("c", customerId));
        var rebuilders = second.Silos[0].ServiceProvider.GetServices<IProjectionRebuilder>().ToList();
        Assert.Equal(1, await rebuilders.Single(rebuilder => rebuilder.Name == "orders").RebuildAsync(CancellationToken.None));
        Assert.True(await rebuilders.Single(rebuilder => rebuilder.Name == "customers").RebuildAsync(CancellationToken.None) >= 1);
        Assert.Equal(("delivered", "25.92"), (await OrderRowAsync(connectionString, orderId, "status"), await OrderRowAsync(connectionString, orderId, "total")));
        Assert.Equal(placed.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), await OrderRowAsync(connectionString, orderId, "version"));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM order_items WHERE order_id = @o", ("o", orderId)));
        Assert.Equal(25.92m, await TestSql.ScalarAsync<decimal>(connectionString, "SELECT lifetime_value FROM customers WHERE customer_id = @c", ("c", customerId)));
    }

    /// <summary>Reminders every two seconds and an instant, never-declining gateway.</summary>
    private static void Quick(ISiloBuilder silo)
    {
        silo.Services.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        silo.Services.Configure<OrderOptions>(orders => orders.CatchUpPeriod = TimeSpan.FromSeconds(2));
        silo.Services.Configure<CustomerOptions>(customers => customers.CatchUpPeriod = TimeSpan.FromSeconds(2));
        silo.Services.Configure<SimulatedGatewayOptions>(gateway =>
        {
            gateway.Latency = TimeSpan.Zero;
            gateway.DeclineRate = 0;
        });
    }

    /// <summary>The real store, except that projecting never finishes: the process "dies" before any row is written.</summary>
    private sealed class StalledProjections(PostgresOrderStore store) : IOrderStore
    {
        public Task<IReadOnlyDictionary<Guid, AlbumFacts>> LoadAlbumsAsync(IReadOnlyCollection<Guid> albumIds, CancellationToken cancellationToken) =>
            store.LoadAlbumsAsync(albumIds, cancellationToken);

        public Task<string> NextOrderNumberAsync(DateTimeOffset at, CancellationToken cancellationToken) => store.NextOrderNumberAsync(at, cancellationToken);

        public Task<OrderState?> LoadOrderAsync(Guid orderId, CancellationToken cancellationToken) => store.LoadOrderAsync(orderId, cancellationToken);

        public Task<Guid?> FindOrderOfPartAsync(Guid partId, CancellationToken cancellationToken) => store.FindOrderOfPartAsync(partId, cancellationToken);

        public Task<TimeSpan?> AverageTransitAsync(string carrier, CancellationToken cancellationToken) => store.AverageTransitAsync(carrier, cancellationToken);

        public Task ProjectAsync(Guid orderId, OrderState order, bool overwrite, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
