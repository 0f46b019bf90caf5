using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Agents;
using Misty.Grains.Interfaces.Agents;
using Misty.Grains.Interfaces.Inventory;
using Misty.Tests.Infrastructure;
using Misty.Web.Agents;
using Orleans.Core.Internal;

namespace Misty.Tests.Agents;

/// <summary>An approved call executes once: two managers at the same moment, and a node dying between executing and recording.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentApprovalRecoveryTests(PostgresFixture postgres)
{
    private const string Stock = "SELECT quantity FROM inventory WHERE album_id = @id";

    [Fact]
    public async Task Two_managers_approving_at_once_execute_the_call_once_and_the_other_gets_a_conflict()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var agent = await admin.CreateAgentAsync("staff", "inventory:write");
        await using var client = await node.ConnectMcpAsync(agent.ApiKey);
        var actionId = (await client.CallAsync("restock_album", new() { ["albumId"] = albumId.ToString(), ["quantity"] = 60 })).Body.GetProperty("actionId").GetGuid();
        using var first = await node.CreateClientAsync("manager");
        using var second = await node.CreateClientAsync("manager");

        var answers = await Task.WhenAll(
            first.PostAsync($"/api/agent-actions/{actionId}/approve", null), second.PostAsync($"/api/agent-actions/{actionId}/approve", null));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(answer => answer.StatusCode).Order());
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<int>(connectionString, Stock, ("id", albumId)) == 65));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM inventory_transactions t JOIN inventory i USING (inventory_id) WHERE i.album_id = @id AND t.quantity_change = 60", ("id", albumId)));
    }

    [Fact]
    public async Task An_approval_cut_short_before_or_after_its_write_is_resumed_and_lands_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                [$"{ApprovalOptions.Section}:ExecutionLease"] = "00:00:01",
                [$"{ApprovalOptions.Section}:ResumeCheckEvery"] = "00:00:00.300",
            }));
        using var admin = await node.CreateStaffClientAsync();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var agent = await admin.CreateAgentAsync("staff", "inventory:write");
        await using var client = await node.ConnectMcpAsync(agent.ApiKey);
        var afterWrite = (await client.CallAsync("restock_album", new() { ["albumId"] = albumId.ToString(), ["quantity"] = 60 })).Body.GetProperty("actionId").GetGuid();
        var beforeWrite = (await client.CallAsync("restock_album", new() { ["albumId"] = albumId.ToString(), ["quantity"] = 70 })).Body.GetProperty("actionId").GetGuid();
        var grains = node.Services.GetRequiredService<IGrainFactory>();

        // What a node that died mid-approval leaves behind: both approvals stored; the first one's restock applied
        // (under the key the approval executes with) and never recorded, the second one's never made.
        foreach (var actionId in new[] { afterWrite, beforeWrite })
        {
            Assert.Equal(AgentDecisionResult.Accepted, (await grains.GetGrain<IAgentActionGrain>(actionId).ApproveAsync("user:gone", DateTimeOffset.UtcNow)).Result);
        }

        var applied = await grains.GetGrain<IInventoryGrain>(albumId).ChangeStockAsync(new StockChange(StockChangeKind.Restock, 60, null, null, null, null,
            StockChange.KeyFor("agent-action", afterWrite, "restock_album")));
        Assert.Equal(StockChangeStatus.Applied, applied.Status);
        await grains.GetGrain<IAgentActionGrain>(afterWrite).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        using var manager = await node.CreateClientAsync("manager");
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/agent-actions/{afterWrite}/approve", null)).StatusCode);

        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            (await grains.GetGrain<IAgentActionGrain>(afterWrite).GetAsync(DateTimeOffset.UtcNow))!.Status == AgentActionStatus.Executed &&
            (await grains.GetGrain<IAgentActionGrain>(beforeWrite).GetAsync(DateTimeOffset.UtcNow))!.Status == AgentActionStatus.Executed));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<int>(connectionString, Stock, ("id", albumId)) == 135));
        Assert.Equal(2L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM inventory_transactions t JOIN inventory i USING (inventory_id) WHERE i.album_id = @id AND t.quantity_change IN (60, 70)", ("id", albumId)));
        var resumed = (await grains.GetGrain<IAgentActionGrain>(afterWrite).GetAsync(DateTimeOffset.UtcNow))!;
        Assert.Equal((2, "user:gone"), (resumed.Attempts, resumed.DecidedBy));
        var (_, status) = await client.CallAsync("get_action_status", new() { ["actionId"] = afterWrite.ToString() });
        Assert.Equal("applied", status.GetProperty("result").GetProperty("status").GetString());
        var calls = (await admin.GetFromJsonAsync<List<AgentCallResponse>>($"/api/agents/{agent.AgentId}/calls"))!;
        Assert.Equal(2, calls.Count(call => call.Outcome == "approved_ok" && call.ApprovedBy == "user:gone"));
    }
}
