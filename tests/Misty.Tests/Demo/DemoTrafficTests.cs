using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Misty.Tests.Infrastructure;
using Misty.Tests.Orders;
using Misty.Web.Demo;

namespace Misty.Tests.Demo;

/// <summary>The demo storefront against a real node: it shops through the public API, and the store fills up.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DemoTrafficTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_demo_storefront_reserves_orders_opens_cases_and_runs_a_flash_sale_without_a_server_error_then_revokes_its_key()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        foreach (var price in new[] { 24.99m, 31.50m, 95m, 142m })
        {
            await OrderTestData.AlbumAsync(connectionString, quantity: 400, price);
        }

        DemoTrafficStats stats;
        await using (var node = await MistyWebNode.StartAsync(connectionString, configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MISTY_DEMO_TRAFFIC"] = "1",
            ["Misty:DemoTraffic:PerSecond"] = "25",
            ["Misty:DemoTraffic:FlashSaleEvery"] = "00:00:03",
            ["Misty:DemoTraffic:FlashSaleShoppers"] = "12",
            ["Misty:DemoTraffic:Seed"] = "23",
            ["Misty:Payments:Latency"] = "00:00:00.050",
        })))
        {
            stats = node.Services.GetRequiredService<DemoTrafficStats>();
            string[] wanted = ["browse.album", "reservation.abandoned", "reservation.held", "order.placed", "order.payment_declined", "order.held_for_review",
                "order.cancelled_by_customer", "case.opened", "case.emailed", "review.posted", "customer.signed_up", "flash_sale.held"];
            var all = await TestAlbums.EventuallyAsync(() => Task.FromResult(wanted.All(outcome => stats[outcome] > 0)), seconds: 60);
            Assert.True(all, $"missing: {string.Join(", ", wanted.Where(outcome => stats[outcome] == 0))}; did: {Describe(stats)}");
        }

        // Stopped with the node: nothing answered 5xx, and its storefront key no longer works.
        Assert.True(stats.ServerErrors.Count == 0, string.Join(Environment.NewLine, stats.ServerErrors));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM api_keys WHERE name = 'demo storefront' AND revoked_at IS NULL"));
        Assert.True(await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM orders WHERE channel = 'online'") > 0);
        Assert.True(await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM cases") > 0);
        Assert.True(await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM reviews") > 0);
        Assert.True(await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM customers") > 0);
    }

    [Fact]
    public async Task Without_the_switch_no_demo_storefront_runs()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        Assert.Null(node.Services.GetService<DemoTrafficStats>());
    }

    private static string Describe(DemoTrafficStats stats) => string.Join(", ", stats.Snapshot().Select(entry => $"{entry.Key} {entry.Value}"));
}
