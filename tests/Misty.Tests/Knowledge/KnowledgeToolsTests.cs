using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Agents;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Knowledge;

[Collection(PostgresCollection.Name)]
public sealed class KnowledgeToolsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_MCP_client_with_knowledge_read_searches_and_asks_and_gets_citations_of_stored_items_only()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        var warped = await CreateAsync(manager, "Warped records", "policy",
            "A record that arrives bent or dished counts as faulty. Ask the customer for a photo. We send a replacement copy at our cost, or refund in full when none is in stock.");
        var gifts = await CreateAsync(manager, "Gift cards", "faq",
            "Gift cards never expire and can be spent on anything in the shop. A lost gift card is replaced when the customer still has the receipt.");
        var reader = await admin.CreateAgentAsync("staff", "knowledge:read");
        var other = await admin.CreateAgentAsync("staff", "orders:read");

        await using var client = await node.ConnectMcpAsync(reader.ApiKey);
        var tools = await client.ListToolsAsync();
        Assert.Equal(["ask_knowledge", "get_action_status", "search_knowledge"], tools.Select(tool => tool.Name).Order());
        Assert.True(tools.Single(tool => tool.Name == "search_knowledge").ProtocolTool.Annotations!.ReadOnlyHint);
        await using (var outsider = await node.ConnectMcpAsync(other.ApiKey))
        {
            Assert.DoesNotContain(await outsider.ListToolsAsync(), tool => tool.Name.EndsWith("_knowledge", StringComparison.Ordinal));
            var (refused, body) = await outsider.CallAsync("search_knowledge", new() { ["query"] = "warped" });
            Assert.True(refused);
            Assert.Equal("forbidden", body.GetProperty("status").GetString());
        }

        var (searchError, found) = await client.CallAsync("search_knowledge", new() { ["query"] = "LP showed up bent out of shape", ["kinds"] = "document" });
        Assert.False(searchError);
        var first = found.GetProperty("results")[0];
        Assert.Equal(("document", warped, "Warped records"), (first.GetProperty("kind").GetString(), first.GetProperty("id").GetGuid(), first.GetProperty("title").GetString()));
        Assert.Contains("faulty", first.GetProperty("snippet").GetString(), StringComparison.Ordinal);

        var (askError, answer) = await client.CallAsync("ask_knowledge", new() { ["question"] = "Do vouchers run out after a year?" });
        Assert.False(askError);
        Assert.Contains("**Gift cards never expire", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var citations = answer.GetProperty("citations").EnumerateArray().ToList();
        Assert.Equal(gifts, citations[0].GetProperty("id").GetGuid());
        Assert.All(citations, citation => Assert.Contains(citation.GetProperty("id").GetGuid(), new[] { warped, gifts }));

        var (_, invalid) = await client.CallAsync("search_knowledge", new() { ["query"] = " ", ["limit"] = 500, ["kinds"] = "document,recipe" });
        Assert.Equal("invalid", invalid.GetProperty("status").GetString());
        Assert.Equal(["kinds", "limit", "query"], invalid.GetProperty("errors").EnumerateArray().Select(error => error.GetProperty("field").GetString()).Order());

        var calls = (await admin.GetFromJsonAsync<List<JsonElement>>($"/api/agents/{reader.AgentId}/calls"))!;
        Assert.Equal(["ok", "ok", "invalid"], calls.Select(call => call.GetProperty("outcome").GetString()).Reverse());
    }

    [Fact]
    public async Task A_case_reply_suggestion_cites_the_policy_passage_it_relies_on()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var customer = await Cases.CaseTestData.InsertCustomerAsync(connectionString, "Ada");
        await Cases.CaseTestData.InsertStaffAsync(connectionString);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        var warped = await CreateAsync(manager, "Warped and faulty records", "policy",
            "A record that arrives bent or dished counts as faulty. Ask the customer for a photo. We send a replacement copy at our cost, or refund in full when none is in stock.");
        await CreateAsync(manager, "Opening hours", "faq", "The shop is open Monday to Saturday from 10 am to 7 pm and on Sunday from noon to 5 pm.");
        using var asCustomer = await node.CreateCustomerClientAsync(customer);

        var opened = await asCustomer.PostAsJsonAsync("/api/cases", new { subject = "Bad copy", description = "The LP I got is wavy and will not sit flat on my turntable." });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var caseId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseId").GetGuid();

        var suggestion = (await manager.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}")).GetProperty("suggestion");
        var citation = suggestion.GetProperty("citation");
        Assert.Equal(("document", warped, "Warped and faulty records"),
            (citation.GetProperty("kind").GetString(), citation.GetProperty("id").GetGuid(), citation.GetProperty("title").GetString()));
        Assert.Contains("counts as faulty", citation.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"Warped and faulty records\"", suggestion.GetProperty("nextAction").GetString(), StringComparison.Ordinal);
        Assert.False((await asCustomer.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}")).TryGetProperty("suggestion", out _));
    }

    private static async Task<Guid> CreateAsync(HttpClient manager, string title, string kind, string body)
    {
        var created = await manager.PostAsJsonAsync("/api/knowledge/documents", new { title, kind, body });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetGuid();
    }
}
