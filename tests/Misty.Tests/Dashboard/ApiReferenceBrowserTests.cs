using System.Collections.Concurrent;
using Microsoft.Playwright;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>The interactive API reference, opened from the dashboard and by a developer with a storefront key, offline.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiReferenceBrowserTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task The_reference_renders_the_document_with_the_callers_credentials_and_fetches_nothing_from_elsewhere()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var elsewhere = new ConcurrentQueue<string>();

        // Staff: from the dashboard's navigation, in the signed-in tab; every request off this machine is refused.
        var staff = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);
        await BlockTheInternetAsync(staff, elsewhere);
        await staff.GetByRole(AriaRole.Link, new() { Name = "API reference" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed in as staff: the whole API.", new() { Timeout = 15_000 });
        await Assertions.Expect(staff.GetByText("The operations server of a vinyl record store").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        // The sidebar lists the document's tags: staff see the staff-only areas too.
        await Assertions.Expect(staff.GetByRole(AriaRole.Link, new() { Name = "Reservations", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Link, new() { Name = "Replenishment", Exact = true })).ToBeVisibleAsync();
        await staff.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "api-reference.png") });

        // A developer with a storefront key and no staff account: the storefront's part of the document.
        var developer = await browser.OpenAsync();
        await BlockTheInternetAsync(developer, elsewhere);
        await developer.GotoAsync("/api-reference/");
        await Assertions.Expect(developer.GetByRole(AriaRole.Status)).ToContainTextAsync("Sign in on the dashboard first");
        await developer.GetByLabel("Storefront key").FillAsync(MistyWebNode.StorefrontKey);
        await developer.GetByRole(AriaRole.Button, new() { Name = "Use the key" }).ClickAsync();
        await Assertions.Expect(developer.GetByRole(AriaRole.Status)).ToHaveTextAsync("With a storefront key: the operations a storefront may call.", new() { Timeout = 15_000 });
        await Assertions.Expect(developer.GetByRole(AriaRole.Link, new() { Name = "Reservations", Exact = true })).ToBeVisibleAsync(new() { Timeout = 15_000 });

        Assert.Empty(elsewhere);
        Assert.True(browser.Problems.Count == 0, string.Join(Environment.NewLine, browser.Problems));
    }

    private static Task BlockTheInternetAsync(IPage page, ConcurrentQueue<string> refused) =>
        page.Context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).Host is "127.0.0.1")
            {
                await route.ContinueAsync();
            }
            else
            {
                refused.Enqueue(route.Request.Url);
                await route.AbortAsync();
            }
        });
}
