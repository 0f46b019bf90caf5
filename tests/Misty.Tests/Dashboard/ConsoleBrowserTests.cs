using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Misty.Tests.Cases;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>The console's acting pages, walked in headless chromium as staff would: a case answered, reports, the audit log.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConsoleBrowserTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task A_reply_sent_from_the_case_page_arrives_live_on_a_colleagues_open_case_page_and_an_internal_note_stays_internal()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var customer = await CaseTestData.InsertCustomerAsync(connectionString);
        using var staff = await node.CreateClientAsync("staff");
        var opened = await staff.PostAsJsonAsync("/api/cases", new { customerId = customer, subject = "Warped record", description = "My copy of Blue arrived warped." });
        opened.EnsureSuccessStatusCode();
        var caseId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseId").GetGuid();
        var (_, colleague) = await node.AddStaffMemberAsync("staff");

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var mine = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);
        var theirs = await browser.SignInAsync(colleague, StaffClients.Password);
        // The board opens the case.
        await mine.GetByRole(AriaRole.Link, new() { Name = "Case board" }).ClickAsync();
        await mine.Locator($"li[data-case-id='{caseId}'] a").ClickAsync();
        await Assertions.Expect(mine.GetByRole(AriaRole.Heading, new() { Name = "Warped record" })).ToBeVisibleAsync();
        await theirs.GotoAsync($"/#/case/{caseId}");
        await Assertions.Expect(theirs.GetByRole(AriaRole.Heading, new() { Name = "Warped record" })).ToBeVisibleAsync();

        await mine.GetByLabel("Reply").FillAsync("Sorry about that <b>record</b>: a replacement is on its way.");
        await mine.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        // Escaped, never markup: the text arrives as typed on the colleague's page, through the live feed.
        await Assertions.Expect(theirs.Locator("ol.thread li.staff p.message")).ToHaveTextAsync("Sorry about that <b>record</b>: a replacement is on its way.", new() { Timeout = 5_000 });

        await mine.GetByLabel("Reply").FillAsync("Customer sounded upset; check the packing.");
        await mine.GetByLabel("Internal note (never shown to the customer)").CheckAsync();
        await mine.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(theirs.Locator("ol.thread li.internal p.message")).ToHaveTextAsync("Customer sounded upset; check the packing.", new() { Timeout = 5_000 });
        await Assertions.Expect(mine.Locator("ol.thread li.internal p.message")).ToHaveTextAsync("Customer sounded upset; check the packing.");

        await mine.GetByLabel("Status").SelectOptionAsync("resolved");
        await mine.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await Assertions.Expect(mine.Locator("dd[data-field='status']")).ToHaveTextAsync("resolved", new() { Timeout = 5_000 });
        await Assertions.Expect(mine.Locator("#problems")).ToBeEmptyAsync();
        await Assertions.Expect(theirs.Locator("dd[data-field='status']")).ToHaveTextAsync("resolved", new() { Timeout = 5_000 });
        await mine.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "case.png"), FullPage = true });
        await DashboardBrowser.AssertAccessibleAsync(mine);

        var stored = await staff.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}");
        var messages = stored.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("resolved", stored.GetProperty("status").GetString());
        Assert.Contains(messages, message => !message.GetProperty("isInternal").GetBoolean() && message.GetProperty("message").GetString()!.StartsWith("Sorry about that", StringComparison.Ordinal));
        Assert.Contains(messages, message => message.GetProperty("isInternal").GetBoolean());
        Assert.Empty(browser.Problems);
    }

    [ChromiumFact]
    public async Task The_album_page_opened_from_the_inventory_search_shows_live_stock_its_ledger_and_says_when_there_is_no_forecast()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 7);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateClientAsync("staff");
        using var restock = await staff.PostAsJsonAsync($"/api/inventory/{album}/restock", new { quantity = 3, notes = "Second <i>pressing</i>" });
        restock.EnsureSuccessStatusCode();

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Inventory" }).ClickAsync();
        await page.GetByLabel("Search albums").FillAsync("Test Pressing");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator($"tr[data-album-id='{album}'] th a").ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Test Pressing · The Testers" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("dd[data-field='quantity']")).ToHaveTextAsync("10");
        // The ledger's latest rows, newest first, notes as text; the chart is drawn.
        await Assertions.Expect(page.Locator("tr[data-kind='restock']").First).ToContainTextAsync("Second <i>pressing</i>", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("section[aria-label='Forecast']")).ToContainTextAsync("No forecast yet");
        await Assertions.Expect(page.Locator("section[aria-label='Bought together']")).ToContainTextAsync("Not bought with other albums yet.");
        await Assertions.Expect(page.Locator("section[aria-label='Stock history'] canvas")).ToBeVisibleAsync();
        // Live: a reservation elsewhere moves the held and available figures on the open page.
        using var storefront = StorefrontCalls.Client(node);
        await StorefrontCalls.ReserveAsync(storefront, album, 2);
        await Assertions.Expect(page.Locator("dd[data-field='available']")).ToHaveTextAsync("8", new() { Timeout = 2_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "album.png"), FullPage = true });
        await DashboardBrowser.AssertAccessibleAsync(page);
        Assert.Empty(browser.Problems);
    }

    [ChromiumFact]
    public async Task Admins_read_reports_beside_the_previous_period_and_search_the_audit_log_while_staff_are_not_offered_either()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await TestAlbums.InsertAsync(connectionString, quantity: 7, reorderPoint: 2);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var (_, clerk) = await node.AddStaffMemberAsync("staff");

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var admin = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Reports" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Sales", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("tr[data-figure='orders'] td").First).ToHaveTextAsync("0");
        await Assertions.Expect(admin.Locator("section[aria-label='Inventory'] tr.total td").Nth(1)).ToHaveTextAsync("7");
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "reports.png"), FullPage = true });
        await DashboardBrowser.AssertAccessibleAsync(admin);

        await admin.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await admin.GetByLabel("Action starts with").FillAsync("auth.");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(admin.Locator("tr[data-action='auth.login']").First).ToBeVisibleAsync();
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "audit.png"), FullPage = true });
        await DashboardBrowser.AssertAccessibleAsync(admin);
        foreach (var (link, heading) in new[] { ("Overview", "Overview"), ("Orders", "Orders"), ("Customers", "Customers"), ("Workflows", "Workflows"), ("Inventory", "Inventory"), ("Case board", "Case board") })
        {
            await admin.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
            await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
            await admin.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await DashboardBrowser.AssertAccessibleAsync(admin);
        }

        var staff = await browser.SignInAsync(clerk, StaffClients.Password);
        await Assertions.Expect(staff.GetByRole(AriaRole.Link, new() { Name = "Orders" })).ToBeVisibleAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Link, new() { Name = "Reports" })).ToHaveCountAsync(0);
        await Assertions.Expect(staff.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        Assert.Empty(browser.Problems);
    }
}
