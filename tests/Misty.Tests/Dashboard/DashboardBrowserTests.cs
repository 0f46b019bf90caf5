using System.Net;
using Microsoft.Playwright;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>
/// Runs only where Debian's chromium is installed, except in CI (CI=true), where a missing browser is a failure:
/// .ci/run installs it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Executable) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"No {Executable} (apt-get install chromium); CI always runs this test.";
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class DashboardBrowserTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task Signed_in_staff_see_stock_change_within_a_second_of_a_reservation_on_the_overview_and_the_inventory_view()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        // Below its reorder point, so the overview's low-stock list shows it and follows its stock.
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5, reorderPoint: 10);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = StorefrontCalls.Client(node);

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        // Keyboard only: the form is reached and sent without a pointer.
        var page = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);

        var available = page.Locator($"tr[data-album-id='{album}'] [data-field='available']");
        await Assertions.Expect(available).ToHaveTextAsync("5");
        // Named by title and artist, not only its SKU, and a link to the album's page.
        await Assertions.Expect(page.Locator($"tr[data-album-id='{album}'] th a")).ToHaveTextAsync("Test Pressing");
        await Assertions.Expect(page.Locator($"tr[data-album-id='{album}'] td").First).ToHaveTextAsync("The Testers");
        // Whether the page's album subscription is in place yet or not, it shows 3: by the event, or by the album
        // snapshot it reads after subscribing.
        await StorefrontCalls.ReserveAsync(storefront, album, 2);
        await Assertions.Expect(available).ToHaveTextAsync("3", new() { Timeout = 1_000 });

        await Assertions.Expect(page.Locator("[data-channel='online'] [data-field='orders']")).ToHaveTextAsync("0");
        var artifacts = DashboardBrowser.Artifacts;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "overview.png"), FullPage = true });

        // The inventory view, by keyboard: its link, then the search form.
        await page.GetByRole(AriaRole.Link, new() { Name = "Inventory" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inventory" })).ToBeFocusedAsync();
        await page.GetByLabel("Search albums").FillAsync("Test Pressing");
        await page.Keyboard.PressAsync("Enter");
        var row = page.Locator($"tr[data-album-id='{album}']");
        await Assertions.Expect(row.Locator("[data-field='available']")).ToHaveTextAsync("3");
        await StorefrontCalls.ReserveAsync(storefront, album, 1);
        await Assertions.Expect(row.Locator("[data-field='available']")).ToHaveTextAsync("2", new() { Timeout = 1_000 });
        await Assertions.Expect(row.Locator("[data-field='reserved']")).ToHaveTextAsync("3");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "inventory.png"), FullPage = true });
        Assert.Empty(browser.Problems);
    }

    [ChromiumFact]
    public async Task Sign_out_ends_the_token_on_the_server_so_a_copy_of_it_is_refused_afterwards()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);
        var token = await page.EvaluateAsync<string>("JSON.parse(sessionStorage.getItem('misty.session')).accessToken");
        using var copy = node.CreateClient();
        copy.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/users")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Email")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('misty.session')"));
        // The very token the page held is refused now, on every endpoint, and the logout is in the audit trail.
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/users")).StatusCode);
        Assert.Single(await TestSql.AuditRowsAsync(connectionString, "auth.logout"));
        Assert.Empty(browser.Problems);
    }
}
