using System.Net.Http.Json;
using Microsoft.Playwright;
using Misty.Tests.Dashboard;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Knowledge;

/// <summary>The console's knowledge page, in headless chromium: a search box that finds by meaning and answers with its sources.</summary>
[Collection(PostgresCollection.Name)]
public sealed class KnowledgeBrowserTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task Staff_search_the_knowledge_base_by_meaning_and_ask_a_question_that_is_answered_with_its_source()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        (await manager.PostAsJsonAsync("/api/knowledge/documents", new
        {
            title = "Warped records",
            kind = "policy",
            body = "A record that arrives bent or dished counts as faulty. We send a replacement copy at our cost, or refund in full when none is in stock.",
        })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync("/api/knowledge/documents", new
        {
            title = "Gift <b>cards</b>",
            kind = "faq",
            body = "Gift cards never expire and can be spent on anything in the shop.",
        })).EnsureSuccessStatusCode();
        var (_, clerk) = await node.AddStaffMemberAsync(StaffRoles.Staff);

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.SignInAsync(clerk, StaffClients.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Knowledge" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Knowledge", Exact = true })).ToBeVisibleAsync();

        // Few words in common with the policy: found by meaning, first.
        await page.GetByLabel("Question or search words").FillAsync("LP showed up bent out of shape");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var first = page.GetByRole(AriaRole.List, new() { Name = "Search results" }).Locator("li").First;
        await Assertions.Expect(first.Locator("strong")).ToHaveTextAsync("Warped records");
        await Assertions.Expect(first).ToHaveAttributeAsync("data-kind", "document");
        await DashboardBrowser.AssertAccessibleAsync(page);

        // Only the kind asked for: no album matches, so nothing is listed.
        await page.GetByLabel("In").SelectOptionAsync("album");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Nothing matches.")).ToBeVisibleAsync();

        await page.GetByLabel("In").SelectOptionAsync("");
        await page.GetByLabel("Question or search words").FillAsync("do gift cards run out?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask" }).ClickAsync();
        var answer = page.GetByRole(AriaRole.Region, new() { Name = "Answer" });
        await Assertions.Expect(answer.Locator("mark")).ToHaveTextAsync("Gift cards never expire and can be spent on anything in the shop.");
        // Escaped, never markup: the title arrives as written.
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Sources" }).Locator("strong").First).ToHaveTextAsync("Gift <b>cards</b>");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "knowledge.png"), FullPage = true });
        await DashboardBrowser.AssertAccessibleAsync(page);
        Assert.Empty(browser.Problems);
    }
}
