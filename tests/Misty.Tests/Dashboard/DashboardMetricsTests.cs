using Misty.Grains.Dashboard;
using Misty.Grains.Interfaces.Dashboard;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Dashboard;

[Collection(PostgresCollection.Name)]
public sealed class DashboardMetricsTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 14, 30, 20, TimeSpan.Zero);

    [Fact]
    public async Task Figures_count_todays_orders_per_channel_and_orders_and_sold_units_per_minute()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 10);
        await using var database = NpgsqlDataSource.Create(connectionString);
        var customer = await InsertCustomerAsync(database);
        await InsertOrderAsync(database, customer, "online", 30.00m, Now.AddSeconds(-5), "pending");
        await InsertOrderAsync(database, customer, "online", 12.50m, Now.AddMinutes(-2), "delivered");
        await InsertOrderAsync(database, customer, "phone", 99.99m, Now.AddHours(-3), "processing");
        await InsertOrderAsync(database, customer, "online", 500.00m, Now.AddMinutes(-1), "cancelled");
        await InsertOrderAsync(database, customer, "in-store", 40.00m, Now.AddDays(-1), "delivered");
        await InsertSaleAsync(database, album, 3, Now.AddSeconds(-10));
        await InsertSaleAsync(database, album, 2, Now.AddMinutes(-2).AddSeconds(-1));
        await InsertSaleAsync(database, album, 7, Now.AddMinutes(-40));

        var figures = await new PostgresMetricsSource(database).ReadAsync(Now, CancellationToken.None);

        Assert.Equal(new DateOnly(2026, 11, 25), figures.Day);
        Assert.Equal(
            [new("in-store", 0, 0m), new("online", 2, 42.50m), new("phone", 1, 99.99m), new("corporate", 0, 0m)],
            figures.Channels.ToArray<ChannelFigures>());
        Assert.Equal(MetricsTick.WindowMinutes, figures.Minutes.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 14, 30, 0, TimeSpan.Zero), figures.Minutes[^1].Minute);
        Assert.Equal(new MinuteFigures(new DateTimeOffset(2026, 11, 25, 14, 30, 0, TimeSpan.Zero), 1, 3), figures.Minutes[^1]);
        Assert.Equal(new MinuteFigures(new DateTimeOffset(2026, 11, 25, 14, 28, 0, TimeSpan.Zero), 1, 2), figures.Minutes[^3]);
        Assert.Equal(2, figures.Minutes.Sum(minute => minute.Orders));
        Assert.Equal(5, figures.Minutes.Sum(minute => minute.Units));
    }

    [Fact]
    public void Figures_compare_by_value_so_an_unchanged_tick_is_not_published_again()
    {
        var figures = MetricsFigures.Complete(Now, new Dictionary<string, (int, decimal)> { ["online"] = (1, 9.99m) },
            new Dictionary<int, int> { [29] = 1 }, new Dictionary<int, int>());
        var same = MetricsFigures.Complete(Now.AddSeconds(5), new Dictionary<string, (int, decimal)> { ["online"] = (1, 9.99m) },
            new Dictionary<int, int> { [29] = 1 }, new Dictionary<int, int>());
        var tick = new MetricsTick(7, Now, figures.Day, figures.Channels, figures.Minutes);

        Assert.True(same.SameAs(tick));
        Assert.False(MetricsFigures.Complete(Now.AddMinutes(1), new Dictionary<string, (int, decimal)> { ["online"] = (1, 9.99m) },
            new Dictionary<int, int> { [28] = 1 }, new Dictionary<int, int>()).SameAs(tick));
    }

    private static async Task<Guid> InsertCustomerAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO customers (email, first_name, last_name) VALUES ('metrics@test.misty', 'Ada', 'Tester') RETURNING customer_id");
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    private static async Task InsertOrderAsync(NpgsqlDataSource database, Guid customer, string channel, decimal total, DateTimeOffset at, string status)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO orders (order_number, customer_id, subtotal, total, status, channel, order_date)
            VALUES (@number, @customer, @total, @total, @status::order_status, @channel::sales_channel, @at)
            """);
        command.Parameters.AddWithValue("number", "T-" + Guid.NewGuid().ToString("N")[..10]);
        command.Parameters.AddWithValue("customer", customer);
        command.Parameters.AddWithValue("total", total);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task InsertSaleAsync(NpgsqlDataSource database, Guid album, int units, DateTimeOffset at)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO inventory_transactions (inventory_id, transaction_type, quantity_change, created_at)
            SELECT inventory_id, 'sale', -@units, @at FROM inventory WHERE album_id = @album
            """);
        command.Parameters.AddWithValue("units", units);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("album", album);
        await command.ExecuteNonQueryAsync();
    }
}
