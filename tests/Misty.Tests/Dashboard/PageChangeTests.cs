using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Misty.Tests.Cases;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>
/// Work a page asked for before it was left (a frame to draw, an answer on its way) must not run into the page that
/// replaced it: the flaky "Cannot read properties of null" of the email walk was the overview drawing its destroyed
/// chart in a frame it had asked for just before the case page opened.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PageChangeTests(PostgresFixture postgres)
{
    /// <summary>Holds animation frames while <c>window.__frames.hold</c> is set, so a test decides when they run.</summary>
    private const string FrameGate = """
        (() => {
          const request = window.requestAnimationFrame.bind(window);
          const cancel = window.cancelAnimationFrame.bind(window);
          const held = new Map();
          let next = 1e9;
          window.__frames = {
            hold: false,
            held,
            release() { for (const [id, callback] of [...held]) { held.delete(id); request(callback); } },
          };
          window.requestAnimationFrame = (callback) => {
            if (!window.__frames.hold) return request(callback);
            next += 1;
            held.set(next, callback);
            return next;
          };
          window.cancelAnimationFrame = (id) => { if (!held.delete(id)) cancel(id); };
        })();
        """;

    [ChromiumFact]
    public async Task A_frame_the_overview_asked_for_just_before_a_case_opened_draws_nothing_on_the_case_page()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var customer = await CaseTestData.InsertCustomerAsync(connectionString);
        using var staff = await node.CreateClientAsync("staff");

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.OpenAsync();
        await page.AddInitScriptAsync(FrameGate);
        await page.GotoAsync("/");
        await page.GetByLabel("Email").FillAsync(MistyWebNode.AdminEmail);
        await page.GetByLabel("Password").FillAsync(MistyWebNode.AdminPassword);
        await page.GetByLabel("Password").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Live");
        await Assertions.Expect(page.Locator("section[aria-labelledby='card-open-cases-by-priority'] tr[data-priority='medium']")).ToBeVisibleAsync();

        // A live event reaches the overview, which asks for a frame to draw it; the case page opens before that frame.
        await page.EvaluateAsync("() => { window.__frames.hold = true; }");
        using var opened = await staff.PostAsJsonAsync("/api/cases", new { customerId = customer, subject = "Sleeve split", description = "The sleeve split at the seam." });
        opened.EnsureSuccessStatusCode();
        var caseId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseId").GetGuid();
        await page.WaitForFunctionAsync("() => window.__frames.held.size > 0");
        await page.EvaluateAsync($"() => {{ location.hash = '#/case/{caseId}'; }}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sleeve split" })).ToBeVisibleAsync();
        await page.EvaluateAsync("() => { window.__frames.hold = false; window.__frames.release(); }");
        await page.EvaluateAsync("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");

        await Assertions.Expect(page.Locator("#problems")).ToBeEmptyAsync();
        Assert.Empty(browser.Problems);
    }
}
