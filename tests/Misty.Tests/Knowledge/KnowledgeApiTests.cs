using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Tests.Agents;
using Misty.Tests.Infrastructure;
using Misty.Web.Agents;
using Misty.Web.Knowledge;
using Misty.Web.Security;

namespace Misty.Tests.Knowledge;

[Collection(PostgresCollection.Name)]
public sealed class KnowledgeApiTests(PostgresFixture postgres)
{
    private static readonly object[] Documents =
    [
        new { title = "Warped records", kind = "policy", tags = new[] { "returns" },
            body = "A record that arrives bent or dished counts as faulty. Ask the customer for a photo. We send a replacement copy at our cost, or refund in full when none is in stock." },
        new { title = "Gift cards", kind = "faq",
            body = "Gift cards never expire and can be spent on anything in the shop. A lost gift card is replaced when the customer still has the receipt." },
        new { title = "Opening hours", kind = "faq",
            body = "The shop is open Monday to Saturday from 10 am to 7 pm and on Sunday from noon to 5 pm." },
    ];

    [Fact]
    public async Task A_document_is_found_by_meaning_as_soon_as_it_is_written_and_is_gone_once_deleted()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);
        var ids = await AddDocumentsAsync(manager);

        // Few words in common with the policy: found by meaning.
        var results = await SearchAsync(staff, "LP showed up bent out of shape");
        Assert.Equal("document", results[0].GetProperty("kind").GetString());
        Assert.Equal(ids[0], results[0].GetProperty("id").GetGuid());
        Assert.Equal("Warped records", results[0].GetProperty("title").GetString());
        Assert.Contains("faulty", results[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.True(results[0].GetProperty("score").GetDouble() > 0);

        var fetched = await staff.GetFromJsonAsync<JsonElement>($"/api/knowledge/documents/{ids[0]}");
        Assert.Equal("policy", fetched.GetProperty("kind").GetString());
        Assert.Equal("returns", fetched.GetProperty("tags")[0].GetString());

        // Rewritten as the holiday policy: the old meaning is gone at once.
        var updated = await manager.PutAsJsonAsync($"/api/knowledge/documents/{ids[2]}",
            new { title = "Closed days", kind = "note", body = "We close on public holidays, except Record Store Day." });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(ids[2], (await SearchAsync(staff, "are you open on bank holidays"))[0].GetProperty("id").GetGuid());

        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync($"/api/knowledge/documents/{ids[0]}")).StatusCode);
        Assert.DoesNotContain(await SearchAsync(staff, "LP showed up bent out of shape"), hit => hit.GetProperty("id").GetGuid() == ids[0]);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/knowledge/documents/{ids[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.DeleteAsync($"/api/knowledge/documents/{ids[0]}")).StatusCode);
    }

    [Fact]
    public async Task Ask_answers_with_the_marked_sentence_and_cites_only_stored_sources()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        var ids = await AddDocumentsAsync(manager);

        var response = await manager.PostAsJsonAsync("/api/knowledge/ask", new { question = "Do vouchers run out after a year?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("**Gift cards never expire and can be spent on anything in the shop.**", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var citations = answer.GetProperty("citations").EnumerateArray().ToList();
        Assert.Equal(ids[1], citations[0].GetProperty("id").GetGuid());
        Assert.Equal("Gift cards", citations[0].GetProperty("title").GetString());
        Assert.All(citations, citation => Assert.Contains(citation.GetProperty("id").GetGuid(), ids));
    }

    [Fact]
    public async Task With_a_chat_model_ask_answers_from_the_retrieved_passages_cites_them_and_falls_back_to_extractive_when_the_model_fails()
    {
        var model = new ScriptedChatClient(
            ScriptedChatClient.Says("A warped record counts as faulty: we replace it at our cost [1] [6]."),
            ScriptedChatClient.Says("The sources do not say."),
            _ => throw new HttpRequestException("The model server is down."));
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync(),
            configure: builder => builder.Services.AddSingleton<IAgentChatClientSource>(model));
        using var admin = await node.CreateStaffClientAsync();
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);
        var ids = await AddDocumentsAsync(admin);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/ai/models", new { provider = "custom", modelName = "m", endpoint = "http://127.0.0.1:1/v1" })).StatusCode);

        var grounded = await AskAsync(staff, "My LP showed up bent out of shape, what now?");
        Assert.Equal("A warped record counts as faulty: we replace it at our cost [1].", grounded.GetProperty("answer").GetString());
        Assert.Equal([ids[0]], grounded.GetProperty("citations").EnumerateArray().Select(citation => citation.GetProperty("id").GetGuid()));
        var request = model.Requests[0];
        Assert.Equal(GroundedAnswer.Instructions, request[0].Text);
        Assert.Contains("[1] Warped records (document)\nA record that arrives bent or dished counts as faulty.", request[1].Text, StringComparison.Ordinal);
        Assert.EndsWith("Question: My LP showed up bent out of shape, what now?", request[1].Text, StringComparison.Ordinal);

        // Nothing cited: every passage the model was given is cited, and only stored items are.
        var unanswered = await AskAsync(staff, "Do you sell turntables?");
        Assert.Equal("The sources do not say.", unanswered.GetProperty("answer").GetString());
        var consulted = unanswered.GetProperty("citations").EnumerateArray().Select(citation => citation.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(ids.Order(), consulted.Order());

        var fallback = await AskAsync(staff, "Do vouchers run out after a year?");
        Assert.Contains("**Gift cards never expire and can be spent on anything in the shop.**", fallback.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal(ids[1], fallback.GetProperty("citations")[0].GetProperty("id").GetGuid());
        Assert.Equal(3, model.Requests.Count);
    }

    [Fact]
    public async Task With_web_syntax_search_keeps_to_quoted_phrases_and_leaves_out_minus_terms_and_without_it_they_are_words()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        var ids = await AddDocumentsAsync(manager);

        Assert.Equal(ids[0], (await SearchAsync(manager, "LP showed up bent out of shape -dished"))[0].GetProperty("id").GetGuid());
        var without = await SearchAsync(manager, "LP showed up bent out of shape -dished", syntax: "web");
        Assert.NotEmpty(without);
        Assert.DoesNotContain(without, hit => hit.GetProperty("id").GetGuid() == ids[0]);

        // Every document is near by meaning; one holds the phrase. A customer's quotes are only characters.
        Assert.Equal(ids[1], Assert.Single(await SearchAsync(manager, "\"lost gift card\" shop", syntax: "web")).GetProperty("id").GetGuid());
        Assert.Equal(Documents.Length, (await SearchAsync(manager, "\"lost gift card\" shop")).Count);
        Assert.Empty(await SearchAsync(manager, "-refund", syntax: "web"));
    }

    [Fact]
    public async Task Staff_read_but_do_not_write_and_bad_input_is_a_problem_naming_the_field()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync("/api/knowledge/documents", Documents[0])).StatusCode);
        await AssertProblemAsync(await manager.PostAsJsonAsync("/api/knowledge/documents", new { title = " ", body = "text", kind = "memo" }), "title", "kind");
        await AssertProblemAsync(await manager.PostAsJsonAsync("/api/knowledge/documents", new { title = "t", body = "b", kind = "faq", tags = new[] { "" } }), "tags");
        await AssertProblemAsync(await staff.GetAsync("/api/knowledge/search?q=&k=0"), "q", "k");
        await AssertProblemAsync(await staff.GetAsync("/api/knowledge/search?q=returns&kinds=document,recipe&syntax=google"), "kinds", "syntax");
        await AssertProblemAsync(await staff.PostAsJsonAsync("/api/knowledge/ask", new { question = "" }), "question");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PutAsJsonAsync($"/api/knowledge/documents/{Guid.NewGuid()}", Documents[1])).StatusCode);
    }

    [Fact]
    public async Task An_album_added_to_the_catalogue_becomes_searchable_within_seconds_by_its_notice()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync(), configure: KnowledgeNoticeTests.WithoutPolling);
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        var created = await manager.PostAsJsonAsync("/api/albums", new
        {
            sku = "KB-0001",
            title = "Kind of Blue",
            artist = "Miles Davis",
            genre = "Jazz",
            label = "Columbia",
            releaseYear = 1959,
            price = 29.99m,
            cost = 15m,
            condition = "NM",
            description = "Modal jazz landmark with Coltrane and Bill Evans.",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var albumId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("albumId").GetGuid();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<JsonElement> results;
        do
        {
            await Task.Delay(250);
            results = await SearchAsync(manager, "trumpet record with saxophone player John Coltrane", "album");
        }
        while (results.Count == 0 && DateTime.UtcNow < deadline);

        Assert.Equal(albumId, Assert.Single(results).GetProperty("id").GetGuid());
        Assert.Equal("album", results[0].GetProperty("kind").GetString());
    }

    private static async Task<List<Guid>> AddDocumentsAsync(HttpClient writer)
    {
        var ids = new List<Guid>();
        foreach (var document in Documents)
        {
            var created = await writer.PostAsJsonAsync("/api/knowledge/documents", document);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetGuid());
        }

        return ids;
    }

    private static async Task<List<JsonElement>> SearchAsync(HttpClient client, string query, string kinds = "", string syntax = "plain")
    {
        var response = await client.GetAsync($"/api/knowledge/search?q={Uri.EscapeDataString(query)}&k=5&kinds={kinds}&syntax={syntax}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
    }

    private static async Task<JsonElement> AskAsync(HttpClient client, string question)
    {
        var response = await client.PostAsJsonAsync("/api/knowledge/ask", new { question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        foreach (var field in fields)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        }
    }
}
