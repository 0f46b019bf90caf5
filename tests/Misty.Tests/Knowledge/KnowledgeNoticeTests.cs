using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Misty.Tests.Cases;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Knowledge;

/// <summary>
/// The index follows writes by their notices: with the poll set far beyond the test's wait, only a notice can make a
/// resolved case, a review or another node's document searchable, and a notice's round looks for its kind only.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KnowledgeNoticeTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_resolved_case_a_review_and_a_document_written_through_node_A_become_searchable_on_node_B_within_seconds()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var ada = await CaseTestData.InsertCustomerAsync(connectionString, "Ada");
        await CaseTestData.InsertStaffAsync(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        const string cluster = "misty-knowledge-notices";
        await using var nodeA = await MistyWebNode.StartAsync(connectionString, cluster, WithoutPolling);
        await using var nodeB = await MistyWebNode.StartAsync(connectionString, cluster, WithoutPolling);
        Assert.True(await TestAlbums.EventuallyAsync(async () => await nodeA.ActiveSilosAsync() == 2 && await nodeB.ActiveSilosAsync() == 2),
            "The two nodes did not form one cluster.");
        using var staffA = await nodeA.CreateClientAsync(StaffRoles.Manager);
        using var adaA = await nodeA.CreateCustomerClientAsync(ada);
        using var staffB = await nodeB.CreateClientAsync(StaffRoles.Staff);

        // A case is indexed once resolved, with the reply that resolved it.
        var opened = await adaA.PostAsJsonAsync("/api/cases", new { subject = "Crackle on side two", description = "The second side hisses and pops all the way through." });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var caseId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await staffA.PostAsJsonAsync($"/api/cases/{caseId}/messages",
            new { message = "A wet clean on the ultrasonic machine took the surface noise away; bring it in any time." })).StatusCode);
        Assert.Empty(await SearchAsync(staffB, "surface noise cleaning machine", "case"));
        Assert.Equal(HttpStatusCode.OK, (await staffA.PostAsJsonAsync($"/api/cases/{caseId}/status", new { status = "resolved" })).StatusCode);
        Assert.Equal(caseId, await FoundAsync(staffB, "my LP is noisy, can you wash it?", "case"));

        // One write at a time, each after the last was found, so that each is found on its own notice.
        var review = await adaA.PostAsJsonAsync("/api/reviews", new { customerId = ada, albumId = album, rating = 5, reviewText = "Dead quiet vinyl and a gorgeous gatefold sleeve." });
        Assert.Equal(HttpStatusCode.Created, review.StatusCode);
        var reviewId = (await review.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reviewId").GetGuid();
        Assert.Equal(reviewId, await FoundAsync(staffB, "silent pressing, lovely fold-out cover", "review"));

        // Written behind the application's back, so announced by nobody: the document's round looks for documents only.
        var unannounced = await TestAlbums.InsertAsync(connectionString, quantity: 1);
        var document = await staffA.PostAsJsonAsync("/api/knowledge/documents",
            new { title = "Record cleaning service", kind = "faq", body = "We clean customers' records on the ultrasonic machine for 3 a disc, while they wait." });
        Assert.Equal(HttpStatusCode.Created, document.StatusCode);
        var documentId = (await document.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetGuid();
        Assert.Equal(documentId, await FoundAsync(staffB, "do you wash LPs for people?", "document"));
        // Time enough for the album to be embedded had that round looked for albums.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(await SearchAsync(staffB, "record", "album"), hit => hit.GetProperty("id").GetGuid() == unannounced);
    }

    internal static void WithoutPolling(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection([new("Misty:Knowledge:PollInterval", "01:00:00")]);

    /// <summary>The best item of the kind, once there is one, within <see cref="Wait"/>.</summary>
    private static async Task<Guid> FoundAsync(HttpClient client, string query, string kind)
    {
        var deadline = DateTime.UtcNow + Wait;
        List<JsonElement> results;
        while ((results = await SearchAsync(client, query, kind)).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(results.Count > 0, $"No {kind} was found within {Wait.TotalSeconds} s.");
        return results[0].GetProperty("id").GetGuid();
    }

    private static async Task<List<JsonElement>> SearchAsync(HttpClient client, string query, string kind)
    {
        var response = await client.GetAsync($"/api/knowledge/search?q={Uri.EscapeDataString(query)}&k=5&kinds={kind}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
    }
}
