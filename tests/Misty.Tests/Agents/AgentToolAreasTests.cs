using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Agents;
using Misty.Grains.Replenishment;
using Misty.Tests.Cases;
using Misty.Tests.Infrastructure;
using Misty.Web.Agents;

namespace Misty.Tests.Agents;

/// <summary>The customers and replenishment tools over MCP: recommendations, forecasts, the reorder queue and its approval rule.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentToolAreasTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Replenishment_and_customer_tools_read_and_approve_reorders_holding_those_worth_more_than_the_configured_value()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{ApprovalOptions.Section}:ReorderValueAbove"] = "110" }));
        using var admin = await node.CreateStaffClientAsync();
        using var manager = await node.CreateClientAsync("manager");
        var (cheap, dear) = (await TestAlbums.InsertAsync(connectionString, quantity: 1), await TestAlbums.InsertAsync(connectionString, quantity: 0));
        var supplier = await manager.PostAsJsonAsync("/api/suppliers", new { name = "Steady Pressings", avgDeliveryDays = 7, reliabilityScore = 95 });
        var supplierId = (await supplier.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("supplierId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PutAsJsonAsync($"/api/suppliers/{supplierId}/pricing",
            new { prices = new object[] { new { albumId = cheap, unitPrice = 10 }, new { albumId = dear, unitPrice = 12.5 } } })).StatusCode);
        // No forecast: each album's own optimal level (10) applies, so the lines are worth 100 and 125.
        var store = node.Services.GetRequiredService<ReplenishmentStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var cheapLine = (await store.PlanAsync(new PlanCandidate(cheap, "CHEAP", 1, 0, 2, 10), today, ReplenishmentPolicy.Default, default)).Reorder!;
        var dearLine = (await store.PlanAsync(new PlanCandidate(dear, "DEAR", 0, 0, 2, 10), today, ReplenishmentPolicy.Default, default)).Reorder!;
        await TestSql.ExecuteAsync(connectionString, """
            INSERT INTO demand_forecasts (album_id, forecast_date, predicted_demand, lower_bound, upper_bound, confidence_level, model_version)
            SELECT @album, current_date + 7 * w, 3, 1, 6, 0.8, 'test' FROM generate_series(0, 3) w
            """, ("album", cheap));
        var customer = await CaseTestData.InsertCustomerAsync(connectionString);
        await TestSql.ExecuteAsync(connectionString, """
            INSERT INTO customer_recommendations (customer_id, album_id, recommendation_score, reason, expires_at)
            VALUES (@customer, @album, 87.5, 'Because you bought Kind of Blue by Miles Davis', now() + interval '1 day')
            """, ("customer", customer), ("album", cheap));

        var agent = await admin.CreateAgentAsync("manager", "replenishment:read", "replenishment:write", "customers:read");
        var staffAgent = await admin.CreateAgentAsync("staff", "replenishment:read");
        await using var client = await node.ConnectMcpAsync(agent.ApiKey);
        var tools = await client.ListToolsAsync();
        Assert.Equal(["approve_reorder", "get_action_status", "get_customer", "get_forecast", "get_recommendations", "list_reorder_queue"],
            tools.Select(tool => tool.Name).Order(StringComparer.Ordinal));
        var hints = tools.ToDictionary(tool => tool.Name, tool => tool.ProtocolTool.Annotations!);
        Assert.Equal((true, false, false), (hints["get_forecast"].ReadOnlyHint!.Value, hints["approve_reorder"].ReadOnlyHint!.Value, hints["approve_reorder"].DestructiveHint!.Value));
        Assert.True(hints["get_recommendations"].ReadOnlyHint);
        await using (var reader = await node.ConnectMcpAsync(staffAgent.ApiKey))
        {
            Assert.Equal(["get_action_status", "get_forecast", "list_reorder_queue"], (await reader.ListToolsAsync()).Select(tool => tool.Name).Order(StringComparer.Ordinal));
            var (refused, body) = await reader.CallAsync("approve_reorder", new() { ["reorderId"] = cheapLine.ReorderId.ToString() });
            Assert.Equal((true, "forbidden"), (refused, body.GetProperty("status").GetString()));
        }

        var (_, forecast) = await client.CallAsync("get_forecast", new() { ["albumId"] = cheap.ToString() });
        var week = forecast.GetProperty("weeks")[0];
        Assert.Equal((3, 1, 6), (week.GetProperty("predictedDemand").GetInt32(), week.GetProperty("lowerBound").GetInt32(), week.GetProperty("upperBound").GetInt32()));
        Assert.Equal("not_found", (await client.CallAsync("get_forecast", new() { ["albumId"] = Guid.NewGuid().ToString() })).Body.GetProperty("error").GetString());
        var (_, suggestions) = await client.CallAsync("get_recommendations", new() { ["customerId"] = customer.ToString(), ["limit"] = 5 });
        var suggestion = Assert.Single(suggestions.GetProperty("recommendations").EnumerateArray());
        Assert.Equal((cheap, "Because you bought Kind of Blue by Miles Davis"), (suggestion.GetProperty("albumId").GetGuid(), suggestion.GetProperty("reason").GetString()));
        Assert.Equal("invalid", (await client.CallAsync("get_recommendations", new() { ["customerId"] = customer.ToString(), ["limit"] = 500 })).Body.GetProperty("status").GetString());

        var (_, queue) = await client.CallAsync("list_reorder_queue", new() { ["status"] = "pending" });
        Assert.Equal(2, queue.GetProperty("total").GetInt32());
        var (_, badFilter) = await client.CallAsync("list_reorder_queue", new() { ["status"] = "lost'; DROP TABLE reorder_queue;--" });
        Assert.Equal("status", badFilter.GetProperty("errors")[0].GetProperty("field").GetString());

        var (_, approved) = await client.CallAsync("approve_reorder", new() { ["reorderId"] = cheapLine.ReorderId.ToString(), ["totalValue"] = 1 });
        Assert.Equal("approved", approved.GetProperty("line").GetProperty("status").GetString());
        var (_, held) = await client.CallAsync("approve_reorder", new() { ["reorderId"] = dearLine.ReorderId.ToString(), ["totalValue"] = 1 });
        // The value is looked up, not taken from the model: 125 is above 110 whatever the call says.
        Assert.Equal("pending_approval", held.GetProperty("status").GetString());
        Assert.Equal("pending", await TestSql.ScalarAsync<string>(connectionString, "SELECT status::text FROM reorder_queue WHERE reorder_id = @id", ("id", dearLine.ReorderId)));
        var actionId = held.GetProperty("actionId").GetGuid();
        var pending = Assert.Single((await manager.GetFromJsonAsync<List<AgentActionResponse>>($"/api/agent-actions?status=pending&agentId={agent.AgentId}"))!);
        Assert.Equal(125m, pending.Arguments.GetProperty("totalValue").GetDecimal());

        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/agent-actions/{actionId}/approve", null)).StatusCode);
        Assert.Equal("approved", await TestSql.ScalarAsync<string>(connectionString, "SELECT status::text FROM reorder_queue WHERE reorder_id = @id", ("id", dearLine.ReorderId)));
        var (_, status) = await client.CallAsync("get_action_status", new() { ["actionId"] = actionId.ToString() });
        Assert.Equal("executed", status.GetProperty("status").GetString());
        var audited = await TestSql.AuditRowsAsync(connectionString, "reorders.approved");
        Assert.Equal(2, audited.Count);
        Assert.All(audited, row => Assert.StartsWith("agent:", row.Detail("actor"), StringComparison.Ordinal));
    }
}
