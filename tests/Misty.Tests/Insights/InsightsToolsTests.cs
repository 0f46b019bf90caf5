using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Insights;
using Misty.Tests.Agents;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Insights;

[Collection(PostgresCollection.Name)]
public sealed class InsightsToolsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_agent_lists_insights_dismisses_one_and_its_price_change_waits_for_a_manager()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var rare = await TestAlbums.InsertAsync(connectionString, quantity: 3);
        var dusty = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET is_rare = true, estimated_value = 80, price = 40 WHERE album_id = @id", ("id", rare));
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET created_at = now() - interval '200 days' WHERE album_id = @id", ("id", dusty));
        await node.Services.GetRequiredService<InsightsEngine>().RunAsync(default);
        using var admin = await node.CreateStaffClientAsync();
        using var manager = await node.CreateClientAsync("manager");
        var agent = await admin.CreateAgentAsync("manager", "insights:read", "insights:write");
        var reader = await admin.CreateAgentAsync("staff", "insights:read");

        await using var client = await node.ConnectMcpAsync(agent.ApiKey);
        Assert.Equal(["accept_insight", "dismiss_insight", "get_action_status", "list_insights"], (await client.ListToolsAsync()).Select(tool => tool.Name).Order());
        await using (var readOnly = await node.ConnectMcpAsync(reader.ApiKey))
        {
            var (refused, body) = await readOnly.CallAsync("dismiss_insight", new() { ["recommendationId"] = Guid.NewGuid().ToString() });
            Assert.True(refused);
            Assert.Equal("forbidden", body.GetProperty("status").GetString());
        }

        var (listError, listed) = await client.CallAsync("list_insights", new() { ["status"] = "pending" });
        Assert.False(listError);
        var insights = listed.GetProperty("insights").EnumerateArray()
            .ToDictionary(item => item.GetProperty("recommendationType").GetString()!, item => item.GetProperty("recommendationId").GetGuid());
        Assert.Equal(["pricing", "promotion"], insights.Keys.Order());
        var (_, invalid) = await client.CallAsync("list_insights", new() { ["type"] = "discount", ["limit"] = 500 });
        Assert.Equal("invalid", invalid.GetProperty("status").GetString());

        var (dismissError, dismissed) = await client.CallAsync("dismiss_insight", new() { ["recommendationId"] = insights["promotion"].ToString() });
        Assert.False(dismissError);
        Assert.Equal("dismissed", dismissed.GetProperty("status").GetString());

        var (_, held) = await client.CallAsync("accept_insight", new() { ["recommendationId"] = insights["pricing"].ToString() });
        Assert.Equal("pending_approval", held.GetProperty("status").GetString());
        Assert.Equal(40m, (await manager.GetFromJsonAsync<JsonElement>($"/api/albums/{rare}")).GetProperty("price").GetDecimal());
        var approved = await manager.PostAsync($"/api/agent-actions/{held.GetProperty("actionId").GetGuid()}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(79.99m, (await manager.GetFromJsonAsync<JsonElement>($"/api/albums/{rare}")).GetProperty("price").GetDecimal());
        var accepted = Assert.Single(await TestSql.AuditRowsAsync(connectionString, "insights.accepted"));
        Assert.Equal($"agent:{agent.Agent.Name}", accepted.Detail("actor"));
    }
}
