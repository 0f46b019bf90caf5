using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Misty.Grains.Insights;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>The insights page walked in headless chromium: a manager accepts, a colleague's dismissal arrives live, staff only read.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InsightsBrowserTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task A_manager_accepts_a_pricing_insight_a_dismissal_elsewhere_arrives_live_and_staff_see_no_buttons()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var rare = await TestAlbums.InsertAsync(connectionString, quantity: 3);
        var dusty = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET is_rare = true, estimated_value = 80, price = 40 WHERE album_id = @id", ("id", rare));
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET created_at = now() - interval '200 days' WHERE album_id = @id", ("id", dusty));
        await node.Services.GetRequiredService<InsightsEngine>().RunAsync(default);
        using var api = await node.CreateClientAsync("manager");
        var pending = (await api.GetFromJsonAsync<JsonElement>("/api/insights?status=pending")).GetProperty("items").EnumerateArray()
            .ToDictionary(item => item.GetProperty("entityId").GetGuid(), item => item.GetProperty("recommendationId").GetGuid());
        var (_, manager) = await node.AddStaffMemberAsync("manager");
        var (_, clerk) = await node.AddStaffMemberAsync("staff");

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.SignInAsync(manager, StaffClients.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Insights" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Insights" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-field='open-count']")).ToHaveTextAsync("2 open insight(s), live.");
        var pricingRow = page.Locator($"tr[data-recommendation-id='{pending[rare]}']");
        await Assertions.Expect(pricingRow).ToContainTextAsync("raise it to $79.99");
        await DashboardBrowser.AssertAccessibleAsync(page);

        await pricingRow.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Assertions.Expect(pricingRow).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        Assert.Equal(79.99m, (await api.GetFromJsonAsync<JsonElement>($"/api/albums/{rare}")).GetProperty("price").GetDecimal());

        // A colleague's decision elsewhere reaches the open page through the live feed.
        using var dismissed = await api.PostAsync($"/api/insights/{pending[dusty]}/dismiss", null);
        dismissed.EnsureSuccessStatusCode();
        await Assertions.Expect(page.Locator("[data-field='open-count']")).ToHaveTextAsync("0 open insight(s), live.", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator($"tr[data-recommendation-id='{pending[dusty]}']")).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        await page.GetByLabel("Status").SelectOptionAsync("accepted");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-recommendation-id='{pending[rare]}'] td[data-field='status']")).ToHaveTextAsync("accepted");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "insights.png"), FullPage = true });
        await Assertions.Expect(page.Locator("#problems")).ToBeEmptyAsync();

        var staffPage = await browser.SignInAsync(clerk, StaffClients.Password);
        await staffPage.GotoAsync("/#/insights");
        await staffPage.GetByLabel("Status").SelectOptionAsync("");
        await staffPage.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(staffPage.Locator("tbody tr")).ToHaveCountAsync(2);
        Assert.Equal(0, await staffPage.GetByRole(AriaRole.Button, new() { Name = "Accept" }).CountAsync());
        await DashboardBrowser.AssertAccessibleAsync(staffPage);
        Assert.Empty(browser.Problems);
    }
}
