using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Tests.Infrastructure;
using Misty.Web.Customers;
using Misty.Web.Orders;
using Misty.Web.Security;

namespace Misty.Tests.Security;

/// <summary>
/// The storefront trust model: a key alone never reads or changes a registered customer's data; with that customer's
/// X-Customer-Token (minted by a server key) it does, whichever kind of key it is. Anything else is a 404.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CustomerTokenTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_key_reads_and_changes_a_customers_data_only_with_that_customers_token_and_revoked_tokens_die()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        using var server = node.CreateStorefrontClient();
        var publicKey = await CreateKeyAsync(admin, "browser", StorefrontKeyKinds.Public);
        using var browser = node.CreateStorefrontClient(publicKey);
        var (ada, _) = await RegisterAsync(browser, "ada");
        var (bob, _) = await RegisterAsync(browser, "bob");

        // The findings: the key alone, with an id, reads and writes nothing of the customer's.
        foreach (var client in new[] { server, browser })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/customers/{ada}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/orders?customerId={ada}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/cases?customerId={ada}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/customers/{ada}/interactions",
                new { interactionType = "chat", summary = "hello" })).StatusCode);
        }

        // A public key cannot mint tokens; the server key can, for a customer that exists.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsJsonAsync("/api/customer-tokens", new { customerId = ada })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.PostAsJsonAsync("/api/customer-tokens", new { customerId = Guid.NewGuid() })).StatusCode);
        foreach (var ttl in new[] { 0, 59, 3601, -5 })
        {
            var refused = await server.PostAsJsonAsync("/api/customer-tokens", new { customerId = ada, ttlSeconds = ttl });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("ttlSeconds", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var issued = await server.PostAsJsonAsync("/api/customer-tokens", new { customerId = ada, ttlSeconds = 120 });
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("customerToken").GetString()!;
        Assert.StartsWith("mct_", token, StringComparison.Ordinal);
        Assert.InRange(body.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(100), DateTimeOffset.UtcNow.AddSeconds(130));

        // With Ada's token, the browser's public key sees Ada and nobody else.
        using var asAda = node.CreateStorefrontClient(publicKey);
        asAda.DefaultRequestHeaders.Add(CustomerTokens.HeaderName, token);
        Assert.Equal(ada, (await asAda.GetFromJsonAsync<JsonElement>($"/api/customers/{ada}")).GetProperty("customerId").GetGuid());
        Assert.Equal(HttpStatusCode.Created, (await asAda.PostAsJsonAsync($"/api/customers/{ada}/interactions",
            new { interactionType = "chat", summary = "Lovely shop" })).StatusCode);
        var notBob = await asAda.GetAsync($"/api/customers/{bob}");
        var unknown = await asAda.GetAsync($"/api/customers/{Guid.NewGuid()}");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (notBob.StatusCode, unknown.StatusCode));
        // No hint that Bob exists: the same problem as for an id that matches nobody.
        Assert.Equal(
            (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(),
            (await notBob.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await asAda.GetAsync($"/api/orders?customerId={bob}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await asAda.PostAsJsonAsync("/api/reviews", new { customerId = bob, albumId = Guid.NewGuid(), rating = 5 })).StatusCode);

        // A tampered token fails authentication outright.
        using var tampered = node.CreateStorefrontClient(publicKey);
        tampered.DefaultRequestHeaders.Add(CustomerTokens.HeaderName, token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await tampered.GetAsync($"/api/customers/{ada}")).StatusCode);

        // Revoked: every token of Ada dies at once; a public key cannot revoke, staff and the server key can.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.DeleteAsync($"/api/customers/{ada}/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await server.DeleteAsync($"/api/customers/{ada}/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asAda.GetAsync($"/api/customers/{ada}")).StatusCode);
        Assert.Single(await TestSql.AuditRowsAsync(connectionString, "customer_tokens.revoked"));
        using var again = await node.CreateCustomerClientAsync(ada, publicKey);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync($"/api/customers/{ada}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/customers/{ada}/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync($"/api/customers/{ada}")).StatusCode);
    }

    [Fact]
    public async Task Checkout_with_a_registered_email_asks_the_site_to_sign_the_customer_in_and_reveals_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        using var browser = node.CreateStorefrontClient(await CreateKeyAsync(admin, "browser", StorefrontKeyKinds.Public));
        var (ada, adaEmail) = await RegisterAsync(browser, "ada", address: "1 Secret Lane");

        var reservation = await ReserveAsync(browser, album);
        var response = await browser.PostAsJsonAsync("/api/orders", new
        {
            reservationId = reservation,
            customer = new { email = adaEmail.ToUpperInvariant(), firstName = "Eve", lastName = "Dropper" },
            payment = new { method = "card" },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("sign_in_required", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ada.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Secret Lane", text, StringComparison.Ordinal);
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM orders"));

        // Signed in, the same reservation becomes Ada's order, shipped to her address on file; a new email checks out as a new customer.
        using var asAda = await node.CreateCustomerClientAsync(ada, browser.DefaultRequestHeaders.GetValues("X-Api-Key").Single());
        var placed = await asAda.PostAsJsonAsync("/api/orders", new { reservationId = reservation, payment = new { method = "card" } });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal(ada, (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid());
        var newcomer = await browser.PostAsJsonAsync("/api/orders", new
        {
            reservationId = await ReserveAsync(browser, album),
            customer = new { email = $"new-{Guid.NewGuid():N}@test.misty", firstName = "Nia", lastName = "New", address = "2 New Road" },
            payment = new { method = "card" },
        });
        Assert.Equal(HttpStatusCode.Created, newcomer.StatusCode);
        // Signed in, a storefront cannot also register someone inline.
        var both = await asAda.PostAsJsonAsync("/api/orders", new
        {
            reservationId = await ReserveAsync(browser, album),
            customer = new { email = $"x-{Guid.NewGuid():N}@test.misty", firstName = "X", lastName = "Y" },
            payment = new { method = "card" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("customer", await both.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkout_retried_after_its_first_attempt_registered_the_customer_places_the_order_and_another_checkout_does_not()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var browser = node.CreateStorefrontClient();
        var reservation = await ReserveAsync(browser, album);
        var email = $"retry-{Guid.NewGuid():N}@test.misty";
        // The first attempt registered the customer, then its answer was lost before the order was placed.
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var (registered, created) = await CustomerSignup.FindOrCreateAsync(grains, new NewCustomer(email, "Rita", "Retry", null, "3 Retry Road"),
            OrderRequestRules.SignupCustomerId(OrderIds.ForReservation(reservation)));
        Assert.True(created);
        object Checkout(Guid reservationId) => new
        {
            reservationId,
            customer = new { email, firstName = "Rita", lastName = "Retry", address = "3 Retry Road" },
            payment = new { method = "card" },
        };

        var retried = await browser.PostAsJsonAsync("/api/orders", Checkout(reservation));
        var other = await browser.PostAsJsonAsync("/api/orders", Checkout(await ReserveAsync(browser, album)));

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(registered.CustomerId, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid());
        // Another checkout with that email is not a retry: it is asked to sign the customer in.
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains("sign_in_required", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string name, string kind)
    {
        var created = await admin.PostAsJsonAsync("/api/api-keys", new { name, kind });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key;
    }

    private static async Task<(Guid CustomerId, string Email)> RegisterAsync(HttpClient storefront, string name, string? address = null)
    {
        var email = $"{name}-{Guid.NewGuid():N}@test.misty";
        var response = await storefront.PostAsJsonAsync("/api/customers", new { email, firstName = name, lastName = "Test", address });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid(), email);
    }

    private static async Task<Guid> ReserveAsync(HttpClient storefront, Guid album)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = JsonContent.Create(new { lines = new[] { new { albumId = album, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await storefront.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reservationId").GetGuid();
    }
}
