using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using Misty.Persistence;
using Misty.Seeding;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>
/// The console on demo data (a small seeded store whose history runs up to now) with the demo storefront shopping: every
/// page shows the store's data, passes axe, and leaves the screenshot the README shows (artifacts/dashboard/demo-*.png).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DemoWalkBrowserTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task Every_page_shows_the_demo_stores_data_while_the_demo_storefront_shops()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await new MistyMigrator(connectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).MigrateAsync();
        await using (var database = MistyDatabase.CreateDataSource(connectionString))
        {
            await new DemoDataSeeder(database).SeedAsync(new SeedOptions { Albums = 300, Customers = 500, Days = 90 }.EndingAt(DateTime.UtcNow));
        }

        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MISTY_DEMO_TRAFFIC"] = "1",
            ["Misty:DemoTraffic:PerSecond"] = "8",
            ["Misty:DemoTraffic:FlashSaleEvery"] = "00:00:05",
            ["Misty:DemoTraffic:FlashSaleShoppers"] = "10",
            ["Misty:Payments:Latency"] = "00:00:00.050",
        }));
        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);

        // Today already has orders (the history runs up to now), and the demo storefront adds more.
        await Assertions.Expect(page.Locator("tr.total td").First).Not.ToHaveTextAsync("0", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("section[aria-labelledby='card-low-stock'] tr[data-album-id] th a").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
        // The seed holds no order for review: the first comes from the demo storefront, one action in fifty, which under a
        // loaded CI machine has taken over 30 s.
        await Assertions.Expect(page.Locator("section[aria-labelledby='card-fraud-alert-queue'] li").First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await SaveAsync(page, "overview");

        await OpenAsync(page, "Case board", "Case board");
        await page.Locator("section[aria-label='Pending'] li[data-case-id] a").First.ClickAsync();
        await Assertions.Expect(page.Locator("ol.thread li").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("section[aria-label='SLA'] li").First).ToBeVisibleAsync();
        await SaveAsync(page, "case");

        await OpenAsync(page, "Orders", "Orders");
        await Assertions.Expect(page.Locator("tr[data-order-id]").First).ToBeVisibleAsync();
        await page.Locator("tr[data-order-id] th a").First.ClickAsync();
        await Assertions.Expect(page.Locator("section[aria-label='Items'] tbody a").First).Not.ToHaveTextAsync("Album", new() { Timeout = 5_000 });
        await SaveAsync(page, "order");

        await OpenAsync(page, "Fraud review", "Fraud review");
        await Assertions.Expect(page.Locator("table.reasons tr[data-reason]").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await SaveAsync(page, "fraud-review");

        await OpenAsync(page, "Customers", "Customers");
        await page.Locator("tr[data-customer-id] th a").First.ClickAsync();
        await Assertions.Expect(page.Locator("section[aria-label='Profile'] dd").First).ToBeVisibleAsync();
        await SaveAsync(page, "customer");

        await OpenAsync(page, "Reports", "Reports");
        await Assertions.Expect(page.Locator("tr[data-figure='orders'] td").First).Not.ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("section[aria-label='Top sellers'] li a").First).ToBeVisibleAsync();
        await SaveAsync(page, "reports");

        await OpenAsync(page, "Overview", "Overview");
        await page.Locator("section[aria-labelledby='card-low-stock'] tr[data-album-id] th a").First.ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-kind]").First).ToBeVisibleAsync(new() { Timeout = 5_000 });
        await SaveAsync(page, "album");

        await OpenAsync(page, "Workflows", "Workflows");
        await Assertions.Expect(page.Locator("tr[data-workflow-id]").First).ToBeVisibleAsync();
        await SaveAsync(page, "workflows");
        Assert.Empty(browser.Problems);
    }

    private static async Task OpenAsync(IPage page, string link, string heading)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
    }

    private static async Task SaveAsync(IPage page, string name)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await DashboardBrowser.AssertAccessibleAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, $"demo-{name}.png") });
    }
}
