using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Customers;

[Collection(PostgresCollection.Name)]
public sealed class CustomersApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_registered_customer_is_read_found_by_search_and_keeps_the_interactions_staff_record()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();

        var created = await staff.PostAsJsonAsync("/api/customers",
            new { email = "Nina.Simone@Example.com ", firstName = "Nina", lastName = "Simone", phone = "+1 555 0100", address = "1 High St" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var customer = await ReadAsync(created);
        var customerId = customer.GetProperty("customerId").GetGuid();
        Assert.Equal($"/api/customers/{customerId}", created.Headers.Location?.OriginalString);
        Assert.Equal("nina.simone@example.com", customer.GetProperty("email").GetString());

        // The same email in another case is the same customer.
        var twin = await staff.PostAsJsonAsync("/api/customers", new { email = "NINA.SIMONE@example.com", firstName = "N", lastName = "S" });
        Assert.Equal(HttpStatusCode.Conflict, twin.StatusCode);

        var interaction = await staff.PostAsJsonAsync($"/api/customers/{customerId}/interactions",
            new { interactionType = "chat", summary = "Loved the pressing, thanks so much, it sounds wonderful!" });
        Assert.Equal(HttpStatusCode.Created, interaction.StatusCode);
        Assert.Equal("positive", (await ReadAsync(interaction)).GetProperty("sentiment").GetString());

        var read = await ReadAsync(await staff.GetAsync($"/api/customers/{customerId}"));
        Assert.Equal("Simone", read.GetProperty("lastName").GetString());
        Assert.Equal("chat", Assert.Single(read.GetProperty("interactions").EnumerateArray()).GetProperty("interactionType").GetString());

        Assert.True(await TestAlbums.EventuallyAsync(async () =>
        {
            var page = await ReadAsync(await staff.GetAsync("/api/customers?search=simone"));
            return page.GetProperty("items").EnumerateArray().Any(item => item.GetProperty("customerId").GetGuid() == customerId);
        }), "the search never found the new customer");
    }

    [Fact]
    public async Task Bad_customer_input_names_its_field_writes_nothing_and_an_unknown_customer_is_404()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();

        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { email = "not-an-email", firstName = "A", lastName = "B" }, "email"),
                     (new { email = "a@example.com", firstName = "", lastName = "B" }, "firstName"),
                     (new { email = "a@example.com", firstName = "A", lastName = new string('b', 301) }, "lastName"),
                 })
        {
            var response = await staff.PostAsJsonAsync("/api/customers", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await ReadAsync(response)).GetProperty("errors").TryGetProperty(field, out _), field);
        }

        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM customers"));
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/customers/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsJsonAsync($"/api/customers/{Guid.NewGuid()}/interactions",
            new { interactionType = "phone", summary = "Called about an order." })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync("/api/customers?segment=whales")).StatusCode);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
