using System.Net;
using System.Net.Http.Json;
using Misty.Tests.Infrastructure;
using Misty.Web.Agents;

namespace Misty.Tests.Agents;

[Collection(PostgresCollection.Name)]
public sealed class McpEndpointTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_MCP_client_sees_and_calls_only_what_its_scopes_allow_and_held_calls_run_once_on_approval()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var stock = await admin.CreateAgentAsync("staff", "inventory:read", "inventory:write");
        var reader = await admin.CreateAgentAsync("staff", "orders:read");

        await using var stockClient = await node.ConnectMcpAsync(stock.ApiKey);
        var tools = await stockClient.ListToolsAsync();
        Assert.Equal(["adjust_stock", "get_action_status", "get_inventory", "restock_album", "search_albums"], tools.Select(tool => tool.Name).Order());
        var hints = tools.ToDictionary(tool => tool.Name, tool => tool.ProtocolTool.Annotations);
        Assert.True(hints["get_inventory"]!.ReadOnlyHint);
        Assert.False(hints["restock_album"]!.ReadOnlyHint);
        Assert.True(hints["adjust_stock"]!.DestructiveHint);
        await using (var readerClient = await node.ConnectMcpAsync(reader.ApiKey))
        {
            Assert.Equal(["get_action_status", "get_order", "list_orders"], (await readerClient.ListToolsAsync()).Select(tool => tool.Name).Order());
        }

        var (_, read) = await stockClient.CallAsync("get_inventory", new() { ["albumId"] = albumId.ToString() });
        Assert.Equal(5, read.GetProperty("quantity").GetInt32());
        var (_, small) = await stockClient.CallAsync("restock_album", new() { ["albumId"] = albumId.ToString(), ["quantity"] = 3 });
        Assert.Equal(8, small.GetProperty("inventory").GetProperty("quantity").GetInt32());

        var (heldError, held) = await stockClient.CallAsync("restock_album", new() { ["albumId"] = albumId.ToString(), ["quantity"] = 60, ["notes"] = "pallet" });
        Assert.False(heldError);
        Assert.Equal("pending_approval", held.GetProperty("status").GetString());
        var actionId = held.GetProperty("actionId").GetGuid();
        var (_, adjust) = await stockClient.CallAsync("adjust_stock", new() { ["albumId"] = albumId.ToString(), ["delta"] = -2, ["reason"] = "damaged" });
        var adjustId = adjust.GetProperty("actionId").GetGuid();
        Assert.Equal(8, (await admin.GetFromJsonAsync<InventoryBody>($"/api/inventory/{albumId}"))!.Quantity);

        // Outside the scopes, and bad input: refused, audited, nothing written.
        var (forbiddenError, forbidden) = await stockClient.CallAsync("cancel_order", new() { ["orderId"] = Guid.NewGuid().ToString(), ["reason"] = "x" });
        Assert.True(forbiddenError);
        Assert.Equal("forbidden", forbidden.GetProperty("status").GetString());
        var (_, invalid) = await stockClient.CallAsync("restock_album", new() { ["albumId"] = "1' OR '1'='1", ["quantity"] = 1_000_000, ["notes"] = new string('x', 5_000) });
        Assert.Equal("invalid", invalid.GetProperty("status").GetString());
        Assert.Equal(3, invalid.GetProperty("errors").GetArrayLength());
        var (unboundError, _) = await stockClient.CallAsync("restock_album", new() { ["albumId"] = albumId.ToString(), ["quantity"] = "many" });
        Assert.True(unboundError);

        using var manager = await node.CreateClientAsync("manager");
        using var clerk = await node.CreateClientAsync("staff");
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsync($"/api/agent-actions/{actionId}/approve", null)).StatusCode);
        var pending = (await manager.GetFromJsonAsync<List<AgentActionResponse>>($"/api/agent-actions?status=pending&agentId={stock.AgentId}"))!;
        Assert.Equal([adjustId, actionId], pending.Select(action => action.ActionId));
        Assert.Equal(60, pending[1].Arguments.GetProperty("quantity").GetInt32());

        var approved = await manager.PostAsync($"/api/agent-actions/{actionId}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var executed = (await approved.Content.ReadFromJsonAsync<AgentActionResponse>())!;
        Assert.Equal("executed", executed.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/agent-actions/{actionId}/approve", null)).StatusCode);
        Assert.Equal(68, (await admin.GetFromJsonAsync<InventoryBody>($"/api/inventory/{albumId}"))!.Quantity);
        var (_, status) = await stockClient.CallAsync("get_action_status", new() { ["actionId"] = actionId.ToString() });
        Assert.Equal("executed", status.GetProperty("status").GetString());
        Assert.Equal(68, status.GetProperty("result").GetProperty("inventory").GetProperty("quantity").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/agent-actions/{adjustId}/reject", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/agent-actions/{adjustId}/approve", null)).StatusCode);
        Assert.Equal(68, (await admin.GetFromJsonAsync<InventoryBody>($"/api/inventory/{albumId}"))!.Quantity);

        var calls = (await admin.GetFromJsonAsync<List<AgentCallResponse>>($"/api/agents/{stock.AgentId}/calls"))!;
        Assert.Equal(
            ["ok", "ok", "pending_approval", "pending_approval", "forbidden", "invalid", "invalid", "approved_ok", "ok"],
            Enumerable.Reverse(calls).Select(call => call.Outcome));
        var approvedCall = calls.Single(call => call.Outcome == "approved_ok");
        Assert.Equal((actionId, "approval"), (approvedCall.ActionId!.Value, approvedCall.Channel));
        Assert.StartsWith("user:", approvedCall.ApprovedBy);
        Assert.Contains(await TestSql.AuditRowsAsync(connectionString, "agent.restock_album"), row => row.Detail("outcome") == "approved_ok");
        Assert.DoesNotContain(stock.ApiKey, await TestSql.AllSystemLogsAsync(connectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_endpoint_refuses_no_key_a_rotated_key_and_a_revoked_key()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var agent = await admin.CreateAgentAsync("manager", "payments:write", "orders:read");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/agents", new { name = "x", role = "staff", scopes = new[] { "payments:write" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/agents", new { name = "x", role = "manager", scopes = new[] { "stock:read" } })).StatusCode);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => node.ConnectMcpAsync(null));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => node.ConnectMcpAsync("mak_not_a_real_key"));
        await using (var client = await node.ConnectMcpAsync(agent.ApiKey))
        {
            Assert.Contains(await client.ListToolsAsync(), tool => tool.Name == "refund_payment");
        }

        var rotated = (await (await admin.PostAsync($"/api/agents/{agent.AgentId}/rotate-key", null)).Content.ReadFromJsonAsync<AgentKeyResponse>())!;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => node.ConnectMcpAsync(agent.ApiKey));
        await using var current = await node.ConnectMcpAsync(rotated.ApiKey);
        Assert.NotEmpty(await current.ListToolsAsync());

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/agents/{agent.AgentId}")).StatusCode);
        // Revoked at once: the next request of an open session is refused too.
        await Assert.ThrowsAnyAsync<Exception>(async () => await current.ListToolsAsync());
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => node.ConnectMcpAsync(rotated.ApiKey));
        var listed = Assert.Single((await admin.GetFromJsonAsync<List<AgentResponse>>("/api/agents"))!);
        Assert.NotNull(listed.RevokedAt);
        Assert.DoesNotContain(rotated.ApiKey, await admin.GetStringAsync("/api/agents"), StringComparison.Ordinal);
    }

    private sealed record InventoryBody(int Quantity);
}
