using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Misty.Tests.Dashboard;
using Misty.Tests.Infrastructure;
using Misty.Web.Agents;

namespace Misty.Tests.Agents;

/// <summary>The Agent actions page in a real browser: a held call appears live and a manager approves it there.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentActionsDashboardTests(PostgresFixture postgres)
{
    [ChromiumFact]
    public async Task A_held_call_appears_live_on_the_page_and_approving_it_there_executes_it()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var model = new ScriptedChatClient(ScriptedChatClient.Says("Nothing waits for approval now."));
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder => builder.Services.AddSingleton<IAgentChatClientSource>(model));
        using var admin = await node.CreateStaffClientAsync();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var agent = await admin.CreateAgentAsync("staff", "inventory:write");
        await using var client = await node.ConnectMcpAsync(agent.ApiKey);

        await using var browser = await DashboardBrowser.LaunchAsync(node);
        var page = await browser.SignInAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);
        await page.GotoAsync("/#/agents");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waiting for approval (0)" })).ToBeVisibleAsync();
        // No model yet: the assistant says how to configure one instead of offering a chat.
        await Assertions.Expect(page.GetByText("No AI model is configured")).ToBeVisibleAsync();

        var held = (await client.CallAsync("restock_album", new() { ["albumId"] = albumId.ToString(), ["quantity"] = 60 })).Body;
        Assert.Equal("pending_approval", held.GetProperty("status").GetString());
        // Live through the hub: well inside the page's 30-second poll.
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "New request" }))
            .ToHaveTextAsync($"New request: restock_album by {agent.Agent.Name}.", new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waiting for approval (1)" })).ToBeVisibleAsync();
        await DashboardBrowser.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Approve restock_album by {agent.Agent.Name}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waiting for approval (0)" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"li[data-action-id='{held.GetProperty("actionId").GetGuid()}']")).ToContainTextAsync("executed");
        var stock = await admin.GetFromJsonAsync<JsonElement>($"/api/inventory/{albumId}");
        Assert.Equal(65, stock.GetProperty("quantity").GetInt32());
        // With a model configured, the page offers the assistant, whose answer appears in the panel.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/ai/models", new { provider = "custom", modelName = "m", endpoint = "http://127.0.0.1:1/v1" })).StatusCode);
        await page.ReloadAsync();
        await page.GetByLabel("Message to the assistant").FillAsync("Anything waiting?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".chat-log li").Last).ToHaveTextAsync("Nothing waits for approval now.");
        await DashboardBrowser.AssertAccessibleAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardBrowser.Artifacts, "agent-actions.png"), FullPage = true });
        Assert.Empty(browser.Problems);
    }
}
