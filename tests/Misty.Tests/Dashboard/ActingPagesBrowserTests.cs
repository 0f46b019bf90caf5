using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Misty.Grains.Replenishment;
using Misty.Tests.Infrastructure;
using Misty.Tests.Orders;

namespace Misty.Tests.Dashboard;

/// <summary>The console's fraud review and reorder queue pages, walked as a manager and as staff would.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ActingPagesBrowserTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task A_manager_declines_a_flagged_order_seeing_each_reasons_points_while_staff_see_the_queue_without_the_buttons()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var rare = await OrderTestData.AlbumAsync(connectionString, quantity: 1, price: 400m, rare: true);
        await using var node = await OrderTestData.StartNodeAsync(connectionString);
        using var storefront = node.CreateStorefrontClient();
        var customer = await OrderTestData.CustomerAsync(storefront);
        using var asCustomer = await node.CreateCustomerClientAsync(customer);
        // A brand-new customer, a $400 rare record, shipped somewhere other than their address: held for review.
        var created = await OrderTestData.BodyAsync(await asCustomer.PostAsJsonAsync("/api/orders", new
        {
            reservationId = await OrderTestData.ReservationAsync(storefront, rare, 1, commit: false),
            customerId = customer,
            shippingAddress = "Unit 9, 1 Dock Road, Elsewhere",
            payment = new { method = "card" },
        }), HttpStatusCode.Created);
        var orderId = created.GetProperty("orderId").GetGuid();
        Assert.True(created.GetProperty("heldForReview").GetBoolean());
        var (_, managerEmail) = await node.AddStaffMemberAsync("manager");
        var (_, clerkEmail) = await node.AddStaffMemberAsync("staff");

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var clerk = await browser.SignInAsync(clerkEmail, StaffClients.Password);
        await clerk.GetByRole(AriaRole.Link, new() { Name = "Fraud review" }).ClickAsync();
        var clerkCard = clerk.Locator($"section[data-order-id='{orderId}']");
        await Assertions.Expect(clerkCard.Locator("tr[data-reason='address_mismatch'] td").First).ToHaveTextAsync("+20");
        await Assertions.Expect(clerkCard.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        var manager = await browser.SignInAsync(managerEmail, StaffClients.Password);
        await manager.GetByRole(AriaRole.Link, new() { Name = "Fraud review" }).ClickAsync();
        var card = manager.Locator($"section[data-order-id='{orderId}']");
        await Assertions.Expect(card.Locator("tr[data-reason='new_customer_high_value'] td").First).ToHaveTextAsync("+35");
        await Assertions.Expect(card.Locator("tr[data-reason='rare_items']")).ToContainTextAsync("A rare record in the basket");
        await manager.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "fraud-review.png"), FullPage = true });
        await DashboardBrowser.AssertAccessibleAsync(manager);
        await card.GetByRole(AriaRole.Button, new() { Name = "Decline" }).ClickAsync();
        await Assertions.Expect(card.Locator("[data-field='decision']")).ToHaveTextAsync("Declined: the order is cancelled.");
        // The queue empties live on the other page too, once the order's change reaches it.
        await Assertions.Expect(clerkCard).ToHaveCountAsync(0, new() { Timeout = 5_000 });

        // The order page names the album it sold, linked.
        await manager.GotoAsync($"/#/order/{orderId}");
        await Assertions.Expect(manager.Locator("dd[data-field='status']")).ToHaveTextAsync("cancelled");
        await Assertions.Expect(manager.Locator($"tr[data-album-id='{rare}'] a")).ToHaveTextAsync("Test Pressing · The Testers");
        using var staff = await node.CreateClientAsync("staff");
        Assert.Equal("cancelled", (await staff.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}")).GetProperty("status").GetString());
        Assert.Empty(browser.Problems);
    }

    [ChromiumFact]
    public async Task A_manager_approves_orders_and_receives_a_reorder_line_from_the_queue_page_and_the_stock_goes_up()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 1);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var manager = await node.CreateClientAsync("manager");
        var created = await manager.PostAsJsonAsync("/api/suppliers", new { name = "Steady Pressings", avgDeliveryDays = 7, reliabilityScore = 95 });
        var supplierId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("supplierId").GetGuid();
        (await manager.PutAsJsonAsync($"/api/suppliers/{supplierId}/pricing", new { prices = new object[] { new { albumId = album, unitPrice = 10 } } })).EnsureSuccessStatusCode();
        var line = (await node.Services.GetRequiredService<ReplenishmentStore>()
            .PlanAsync(new PlanCandidate(album, "WALK", 1, 0, 2, 10), DateOnly.FromDateTime(DateTime.UtcNow), ReplenishmentPolicy.Default, default)).Reorder!;
        var (_, managerEmail) = await node.AddStaffMemberAsync("manager");

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.SignInAsync(managerEmail, StaffClients.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Reorder queue" }).ClickAsync();
        var row = page.Locator($"tr[data-reorder-id='{line.ReorderId}']");
        await Assertions.Expect(row.Locator("th a")).ToHaveTextAsync("Test Pressing");
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(row.Locator("td[data-field='status']")).ToHaveTextAsync("approved");
        await row.GetByRole(AriaRole.Button, new() { Name = "Order from the supplier" }).ClickAsync();
        await Assertions.Expect(row.Locator("td[data-field='status']")).ToHaveTextAsync("ordered");
        // The album's page shows the line it waits for.
        await row.Locator("th a").ClickAsync();
        await Assertions.Expect(page.Locator($"section[aria-label='Reorder status'] tr[data-reorder-id='{line.ReorderId}'][data-status='ordered']")).ToBeVisibleAsync();
        await DashboardBrowser.AssertAccessibleAsync(page);
        await page.GoBackAsync();
        await row.GetByLabel("Units received").FillAsync(line.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "reorders.png"), FullPage = true });
        await DashboardBrowser.AssertAccessibleAsync(page);
        await row.GetByRole(AriaRole.Button, new() { Name = "Receive" }).ClickAsync();
        await Assertions.Expect(row.Locator("td[data-field='status']")).ToHaveTextAsync("received");
        await Assertions.Expect(page.Locator("#problems")).ToBeEmptyAsync();

        var stock = await manager.GetFromJsonAsync<JsonElement>($"/api/inventory/{album}");
        Assert.Equal(1 + line.Quantity, stock.GetProperty("quantity").GetInt32());
        Assert.Empty(browser.Problems);
    }
}
