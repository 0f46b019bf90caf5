using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Misty.Tests.Infrastructure;
using Misty.Web.Agents;

namespace Misty.Tests.Agents;

[Collection(PostgresCollection.Name)]
public sealed class AgentChatTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Chat_answers_503_until_a_model_is_configured_and_keeps_its_key_encrypted()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var model = new ScriptedChatClient(ScriptedChatClient.Says("hello"));
        await using var node = await MistyWebNode.StartAsync(connectionString,
            configure: builder => builder.Services.AddSingleton<IAgentChatClientSource>(model));
        using var admin = await node.CreateStaffClientAsync();
        using var clerk = await node.CreateClientAsync("staff");

        // Misty's own models are recorded in the same table, active: none of them is a chat model.
        await TestSql.ExecuteAsync(connectionString,
            "INSERT INTO ai_model_config (model_name, model_provider, model_kind, accuracy_score) VALUES ('Misty demand forecaster', 'custom', 'engine', 80), ('misty-recommender', 'custom', 'engine', 30)");
        var unconfigured = await clerk.PostAsJsonAsync("/api/agents/chat", new { message = "hi" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unconfigured.StatusCode);
        Assert.Contains("PUT /api/ai/models", await unconfigured.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PutAsJsonAsync("/api/ai/models", new { provider = "custom", modelName = "m", endpoint = "http://127.0.0.1:1/v1" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/ai/models", new { provider = "custom", modelName = "m" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/ai/models", new { provider = "openai", modelName = "gpt-4o-mini" })).StatusCode);

        const string secret = "sk-test-secret-value-1234567890";
        var put = await admin.PutAsJsonAsync("/api/ai/models", new { provider = "custom", modelName = "llama3.1", endpoint = "http://127.0.0.1:11434/v1", apiKey = secret });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.DoesNotContain(secret, await admin.GetStringAsync("/api/ai/models"), StringComparison.Ordinal);
        var stored = await TestSql.ScalarAsync<string>(connectionString, "SELECT api_key_protected FROM ai_model_config WHERE active AND endpoint IS NOT NULL");
        Assert.Equal(3L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ai_model_config WHERE active"));
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await TestSql.AllSystemLogsAsync(connectionString), StringComparison.Ordinal);

        var answer = await clerk.PostAsJsonAsync("/api/agents/chat", new { message = "hi" });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("hello", (await answer.Content.ReadFromJsonAsync<AgentChatResponse>())!.Answer);
        Assert.Equal((secret, "llama3.1"), (model.ApiKey, model.CreatedFor!.ModelName));
        Assert.Equal(HttpStatusCode.BadRequest, (await clerk.PostAsJsonAsync("/api/agents/chat", new { message = new string('x', 5_000) })).StatusCode);
    }

    [Fact]
    public async Task A_scripted_model_drives_a_real_kernel_through_the_gate()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var album = albumId.ToString();
        var model = new ScriptedChatClient(
            ScriptedChatClient.Calls(
                ("get_inventory", new() { ["albumId"] = album }),
                ("restock_album", new() { ["albumId"] = album, ["quantity"] = 60 }),
                ("refund_payment", new() { ["paymentId"] = Guid.NewGuid().ToString(), ["reason"] = "asked" }),
                ("restock_album", new() { ["albumId"] = album, ["quantity"] = "many" })),
            ScriptedChatClient.Says("Stock is 5; the restock of 60 waits for a manager."),
            ScriptedChatClient.Says("It is still waiting."));
        await using var node = await MistyWebNode.StartAsync(connectionString,
            configure: builder => builder.Services.AddSingleton<IAgentChatClientSource>(model));
        using var admin = await node.CreateStaffClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/ai/models", new { provider = "custom", modelName = "m", endpoint = "http://127.0.0.1:1/v1" })).StatusCode);
        var (clerkId, clerkEmail) = await node.AddStaffMemberAsync("staff");
        using var clerk = await node.LoginAsync(clerkEmail, StaffClients.Password);

        var first = (await (await clerk.PostAsJsonAsync("/api/agents/chat", new { message = "How many copies, and restock 60?" })).Content.ReadFromJsonAsync<AgentChatResponse>())!;
        Assert.Equal("Stock is 5; the restock of 60 waits for a manager.", first.Answer);
        // A staff member's chat is not offered refunds, and the call the model made anyway ran nothing.
        Assert.Contains(model.OfferedTools[0], name => name.EndsWith("restock_album", StringComparison.Ordinal));
        Assert.DoesNotContain(model.OfferedTools[0], name => name.Contains("refund", StringComparison.Ordinal));
        Assert.Equal([("get_inventory", "ok"), ("restock_album", "pending_approval"), ("restock_album", "invalid")],
            first.ToolCalls.Select(call => (call.Tool, call.Outcome)));
        var toolResults = model.Requests[1].SelectMany(message => message.Contents).OfType<FunctionResultContent>().Select(result => result.Result?.ToString() ?? "").ToList();
        Assert.Contains(toolResults, result => result.Contains("\"quantity\":5", StringComparison.Ordinal));
        Assert.Equal(5, await TestSql.ScalarAsync<int>(connectionString, "SELECT quantity FROM inventory WHERE album_id = @id", ("id", albumId)));

        var second = (await (await clerk.PostAsJsonAsync("/api/agents/chat", new { sessionId = first.SessionId, message = "And now?" })).Content.ReadFromJsonAsync<AgentChatResponse>())!;
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Contains(model.Requests[2], message => message.Text == "How many copies, and restock 60?");
        using var other = await node.CreateClientAsync("staff");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync("/api/agents/chat", new { sessionId = first.SessionId, message = "peek" })).StatusCode);

        using var manager = await node.CreateClientAsync("manager");
        var actionId = first.ToolCalls[1].ActionId!.Value;
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/agent-actions/{actionId}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/agent-actions/{actionId}/approve", null)).StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<int>(connectionString, "SELECT quantity FROM inventory WHERE album_id = @id", ("id", albumId)) == 65));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM inventory_transactions t JOIN inventory i USING (inventory_id) WHERE i.album_id = @id AND t.quantity_change = 60", ("id", albumId)));

        var calls = (await admin.GetFromJsonAsync<List<AgentCallResponse>>($"/api/agents/{clerkId}/calls"))!;
        Assert.Equal(
            [("get_inventory", "ok", "chat"), ("restock_album", "pending_approval", "chat"), ("restock_album", "invalid", "chat"),
                ("restock_album", "approved_ok", "approval")],
            Enumerable.Reverse(calls).Select(call => (call.Tool, call.Outcome, call.Channel)));
        Assert.DoesNotContain(calls, call => call.Tool == "refund_payment");
    }
}
