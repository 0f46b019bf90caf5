using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Infrastructure;
using Misty.Web.Cases;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Tests.Cases;

[Collection(PostgresCollection.Name)]
public sealed class CasesApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_storefront_sees_only_its_customers_cases_and_never_internal_notes()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var ada = await CaseTestData.InsertCustomerAsync(connectionString, "Ada");
        var bob = await CaseTestData.InsertCustomerAsync(connectionString, "Bob");
        await CaseTestData.InsertStaffAsync(connectionString);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);
        using var storefront = node.CreateStorefrontClient();
        using var asAdaClient = await node.CreateCustomerClientAsync(ada);
        using var asBob = await node.CreateCustomerClientAsync(bob);

        // Without Ada's token, the key alone cannot act for her.
        Assert.Equal(HttpStatusCode.NotFound,
            (await storefront.PostAsJsonAsync("/api/cases", new { customerId = ada, subject = "Warped", description = "Warped." })).StatusCode);
        var opened = await asAdaClient.PostAsJsonAsync("/api/cases", new { subject = "Warped record", description = "My copy of Blue arrived warped." });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var caseId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseId").GetGuid();
        var noted = await staff.PostAsJsonAsync($"/api/cases/{caseId}/messages", new { message = "Customer has returned 3 records this year.", isInternal = true });
        var replied = await staff.PostAsJsonAsync($"/api/cases/{caseId}/messages", new { message = "Sorry! A new copy is on its way." });
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (noted.StatusCode, replied.StatusCode));

        var asStaff = await staff.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}");
        var asAda = await asAdaClient.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}");
        Assert.Equal(3, asStaff.GetProperty("messages").GetArrayLength());
        Assert.Contains(asStaff.GetProperty("messages").EnumerateArray(), message => message.GetProperty("isInternal").GetBoolean());
        var seen = asAda.GetProperty("messages").EnumerateArray().Select(message => message.GetProperty("message").GetString()).ToList();
        Assert.Equal(["My copy of Blue arrived warped.", "Sorry! A new copy is on its way."], seen);
        Assert.False(asAda.TryGetProperty("aiSuggestion", out _));
        Assert.False(asAda.TryGetProperty("assignedTo", out _));

        // Another customer's case is as good as absent, and lists hold only the token's customer's cases; the key
        // alone, naming a customer, gets nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await asBob.GetAsync($"/api/cases/{caseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/cases/{caseId}?customerId={ada}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asBob.PostAsJsonAsync($"/api/cases/{caseId}/messages", new { message = "Me too" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.PostAsJsonAsync($"/api/cases/{caseId}/messages", new { customerId = ada, message = "Me" })).StatusCode);
        Assert.Equal(0, (await asBob.GetFromJsonAsync<JsonElement>("/api/cases")).GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await asBob.GetAsync($"/api/cases?customerId={ada}")).StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            (await asAdaClient.GetFromJsonAsync<JsonElement>("/api/cases")).GetProperty("total").GetInt64() == 1));
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/cases?customerId={ada}")).StatusCode);
    }

    [Fact]
    public async Task Inbound_email_opens_a_case_continues_it_by_number_once_per_message_and_refuses_strangers()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var ada = await CaseTestData.InsertCustomerAsync(connectionString, "Ada", email: "ada@example.test");
        var clerk = await CaseTestData.InsertStaffAsync(connectionString);
        var seeded = await CaseTestData.InsertSeededCaseAsync(connectionString, ada, clerk, "CS-261120-004", DateTimeOffset.UtcNow.AddDays(-1));
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);

        var first = await staff.PostAsJsonAsync("/api/inbound/email",
            new { from = "Ada Lovelace <Ada@Example.test>", subject = "Missing parcel", text = "Where is my parcel?", messageId = "<m1@example.test>" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var opened = await first.Content.ReadFromJsonAsync<JsonElement>();
        var number = opened.GetProperty("caseNumber").GetString()!;
        // A reply is matched by the number in the cases rows, which are projected just after the case is stored: a
        // customer's reply comes long after that, this test's would come within milliseconds.
        Assert.True(await TestAlbums.EventuallyAsync(async () => await CaseRowExistsAsync(connectionString, number)));

        var reply = new
        {
            from = "ada@example.test",
            subject = $"Re: Missing parcel [{number}]",
            messageId = "<m2@example.test>",
            text = "Any news?\n\nOn Monday, Misty wrote:\n> We are looking into it.",
        };
        var continued = await staff.PostAsJsonAsync("/api/inbound/email", reply);
        var redelivered = await staff.PostAsJsonAsync("/api/inbound/email", reply);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (continued.StatusCode, redelivered.StatusCode));
        var messages = (await redelivered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages").EnumerateArray()
            .Select(message => message.GetProperty("message").GetString()).ToList();
        Assert.Equal(["Where is my parcel?", "Any news?"], messages);

        // A seeded case's number (CS-yyMMdd-nnn) is recognised as well.
        var toSeeded = await staff.PostAsJsonAsync("/api/inbound/email",
            new { from = "ada@example.test", subject = "Re: Wrong record CS-261120-004", text = "Still waiting.", messageId = "<m3@example.test>" });
        Assert.Equal(HttpStatusCode.OK, toSeeded.StatusCode);
        Assert.Equal(seeded, (await toSeeded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("caseId").GetGuid());

        var stranger = await staff.PostAsJsonAsync("/api/inbound/email",
            new { from = "eve@example.test", subject = $"Re: {number}", text = "Let me in.", messageId = "<m4@example.test>" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.CreateStorefrontClient().PostAsJsonAsync("/api/inbound/email", reply)).StatusCode);
    }

    [Theory]
    [InlineData("Re: your case CASE-2026-000123 again", "", "CASE-2026-000123")]
    [InlineData("No number here", "About cs-261120-004, thanks", "CS-261120-004")]
    [InlineData("CASE-26-1", "nothing", null)]
    public void A_case_number_is_found_in_the_subject_first_then_in_the_text(string subject, string text, string? expected) =>
        Assert.Equal(expected, InboundEmail.CaseNumber(subject, text));

    private static async Task<bool> CaseRowExistsAsync(string connectionString, string caseNumber)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM cases WHERE case_number = @number)", connection);
        command.Parameters.AddWithValue("number", caseNumber);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
