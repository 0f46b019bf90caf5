using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Misty.Tests.Infrastructure;
using Misty.Tests.Orders;
using Misty.Web.Security;

namespace Misty.Tests.Contract;

/// <summary>
/// The OpenAPI document is the contract a storefront generates its client from: storefront and staff traffic against a
/// real node, every request and answer checked against /openapi/v1.json, and the committed copy
/// (docs/openapi/v1.json, which CI lints and the client is generated from) equal to what the node serves.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OpenApiContractTests(PostgresFixture postgres)
{
    private static readonly string CommittedDocument = Path.Combine(MistyWebNode.RepositoryRoot(), "docs", "openapi", "v1.json");

    [Fact]
    public async Task Storefront_and_staff_traffic_conforms_to_the_document()
    {
        // The simulated gateway never declines at random here: a declined charge cancels the order before the test does.
        await using var node = await OrderTestData.StartNodeAsync(await postgres.CreateDatabaseAsync());
        List<Exchange> exchanges = [];
        using var storefront = Client(node, exchanges, ("X-Api-Key", MistyWebNode.StorefrontKey));
        // The whole document: a storefront key is served only its own part of it.
        using var reader = await node.CreateStaffClientAsync();
        var document = await reader.GetStringAsync("/openapi/v1.json");

        // Staff: sign in, catalogue an album, stock it.
        using var anonymous = Client(node, exchanges);
        var login = await BodyAsync(await anonymous.PostAsJsonAsync("/api/auth/login",
            new { email = MistyWebNode.AdminEmail, password = MistyWebNode.AdminPassword }), HttpStatusCode.OK);
        using var staff = Client(node, exchanges, ("Authorization", "Bearer " + login.GetProperty("accessToken").GetString()));
        Invalid(await anonymous.PostAsJsonAsync("/api/auth/login", new { email = MistyWebNode.AdminEmail, password = "wrong" }), HttpStatusCode.Unauthorized);
        Invalid(await Wrong(anonymous, HttpMethod.Post, "/api/auth/login", new { email = "" }), HttpStatusCode.BadRequest);
        var album = await BodyAsync(await staff.PostAsJsonAsync("/api/albums", new
        {
            sku = "CT-" + Guid.NewGuid().ToString("N")[..8],
            title = "Kind of Blue",
            artist = "Miles Davis",
            genre = "Jazz",
            label = "Columbia",
            releaseYear = 1959,
            price = 31.50m,
            cost = 15m,
            condition = "NM",
        }), HttpStatusCode.Created);
        var albumId = album.GetProperty("albumId").GetGuid();
        await BodyAsync(await staff.PostAsJsonAsync($"/api/inventory/{albumId}/restock", new { quantity = 5, unitCost = 14.25m }), HttpStatusCode.OK);
        Invalid(await staff.PostAsJsonAsync($"/api/inventory/{albumId}/adjust", new { delta = -50, reason = "count" }), HttpStatusCode.Conflict);

        // Storefront: browse, register a customer, reserve, order, follow the order, cancel, open a case.
        await BodyAsync(await storefront.GetAsync("/api/albums?search=Kind&page=1&pageSize=10"), HttpStatusCode.OK);
        await BodyAsync(await storefront.GetAsync($"/api/albums/{albumId}"), HttpStatusCode.OK);
        await BodyAsync(await storefront.GetAsync($"/api/inventory/{albumId}"), HttpStatusCode.OK);
        Invalid(await storefront.GetAsync($"/api/albums/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Invalid(await Wrong(storefront, HttpMethod.Get, "/api/albums?pageSize=1000", null), HttpStatusCode.BadRequest);
        var customer = await BodyAsync(await storefront.PostAsJsonAsync("/api/customers",
            new { email = $"ct-{Guid.NewGuid():N}@example.com", firstName = "Ada", lastName = "Lovelace", address = "1 Analytical Way" }), HttpStatusCode.Created);
        var customerId = customer.GetProperty("customerId").GetGuid();
        var token = await BodyAsync(await storefront.PostAsJsonAsync("/api/customer-tokens", new { customerId }), HttpStatusCode.OK);
        using var shopper = Client(node, exchanges, ("X-Api-Key", MistyWebNode.StorefrontKey),
            (CustomerTokens.HeaderName, token.GetProperty("customerToken").GetString()!));

        var basket = new { lines = new[] { new { albumId, quantity = 2 } }, ttlSeconds = 600 };
        var reservation = await BodyAsync(await Keyed(shopper, HttpMethod.Post, "/api/reservations", basket, "basket-1"), HttpStatusCode.Created);
        var reservationId = reservation.GetProperty("reservationId").GetGuid();
        await BodyAsync(await Keyed(shopper, HttpMethod.Post, "/api/reservations", basket, "basket-1"), HttpStatusCode.Created);
        Invalid(await Keyed(shopper, HttpMethod.Post, "/api/reservations", new { lines = new[] { new { albumId, quantity = 1 } } }, "basket-1"),
            HttpStatusCode.UnprocessableEntity);
        Invalid(await Keyed(shopper, HttpMethod.Post, "/api/reservations", new { lines = new[] { new { albumId, quantity = 99 } } }, "basket-2"),
            HttpStatusCode.Conflict);
        Invalid(await Wrong(shopper, HttpMethod.Post, "/api/reservations", basket), HttpStatusCode.BadRequest);
        await BodyAsync(await shopper.GetAsync($"/api/reservations/{reservationId}"), HttpStatusCode.OK);
        await BodyAsync(await shopper.PostAsJsonAsync($"/api/reservations/{reservationId}/extend", new { ttlSeconds = 900 }), HttpStatusCode.OK);
        Invalid(await shopper.GetAsync($"/api/reservations/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        var spare = await BodyAsync(await Keyed(shopper, HttpMethod.Post, "/api/reservations", new { lines = new[] { new { albumId, quantity = 1 } } }, "spare"),
            HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await (shopper.DeleteAsync($"/api/reservations/{spare.GetProperty("reservationId").GetGuid()}"))).StatusCode);

        var order = await BodyAsync(await shopper.PostAsJsonAsync("/api/orders", new { reservationId, payment = new { method = "card" } }), HttpStatusCode.Created);
        var orderId = order.GetProperty("orderId").GetGuid();
        await BodyAsync(await shopper.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.OK);
        await BodyAsync(await shopper.GetAsync("/api/orders?page=1"), HttpStatusCode.OK);
        Invalid(await Wrong(shopper, HttpMethod.Post, "/api/orders", new { lines = new[] { new { albumId, quantity = 1 } }, payment = new { method = "card" } }),
            HttpStatusCode.BadRequest);
        await BodyAsync(await shopper.PostAsync($"/api/orders/{orderId}/cancel", null), HttpStatusCode.OK);
        Invalid(await shopper.PostAsync($"/api/orders/{orderId}/cancel", null), HttpStatusCode.Conflict);

        var opened = await BodyAsync(await shopper.PostAsJsonAsync("/api/cases", new { customerId, subject = "Scratched sleeve", description = "The sleeve arrived torn." }),
            HttpStatusCode.Created);
        var caseId = opened.GetProperty("caseId").GetGuid();
        Invalid(await Wrong(shopper, HttpMethod.Post, "/api/cases", new { customerId, subject = "Urgent", description = "Please hurry.", priority = "high" }),
            HttpStatusCode.BadRequest);
        await BodyAsync(await shopper.PostAsJsonAsync($"/api/cases/{caseId}/messages", new { customerId, message = "Any news?" }), HttpStatusCode.OK);
        await BodyAsync(await shopper.GetAsync($"/api/cases/{caseId}"), HttpStatusCode.OK);

        // Staff follow the same case and orders with the staff shapes; callers without the right credentials are refused.
        await BodyAsync(await staff.GetAsync($"/api/cases/{caseId}"), HttpStatusCode.OK);
        await BodyAsync(await staff.PostAsJsonAsync($"/api/cases/{caseId}/status", new { status = "in_progress", priority = "high" }), HttpStatusCode.OK);
        await BodyAsync(await staff.PostAsJsonAsync($"/api/cases/{caseId}/messages", new { message = "On its way.", waitingOnCustomer = true }), HttpStatusCode.OK);
        await BodyAsync(await staff.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.OK);
        await BodyAsync(await staff.GetAsync($"/api/orders?customerId={customerId}&status=cancelled"), HttpStatusCode.OK);
        Invalid(await storefront.PostAsJsonAsync($"/api/inventory/{albumId}/restock", new { quantity = 1 }), HttpStatusCode.Forbidden);
        Invalid(await anonymous.GetAsync($"/api/reservations/{reservationId}"), HttpStatusCode.Unauthorized);

        var validator = new OpenApiDocumentValidator(document);
        var departures = exchanges.SelectMany(validator.Check).ToList();
        Assert.True(exchanges.Count >= 40, $"only {exchanges.Count} exchanges were recorded");
        Assert.True(departures.Count == 0, $"{departures.Count} departures from the document in {exchanges.Count} exchanges:\n" + string.Join("\n", departures));
    }

    [Fact]
    public async Task The_committed_document_is_the_one_the_node_serves()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        using var staff = await node.CreateStaffClientAsync();
        var served = JsonNode.Parse(await staff.GetStringAsync("/openapi/v1.json"))!;
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedDocument))!;
        Assert.True(JsonNode.DeepEquals(served, committed),
            $"docs/openapi/v1.json is out of date: refresh it from a node's /openapi/v1.json (see README, 'The API contract').");

        // A storefront key is served the operations it may call and the schemas they use, nothing of the staff API.
        using var storefront = node.CreateStorefrontClient();
        var subset = JsonNode.Parse(await storefront.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var paths = subset["paths"]!.AsObject();
        Assert.Contains("/api/reservations", paths.Select(entry => entry.Key));
        Assert.DoesNotContain(paths, entry => entry.Key.StartsWith("/api/users", StringComparison.Ordinal) || entry.Key.StartsWith("/api/audit", StringComparison.Ordinal));
        Assert.All(paths.SelectMany(entry => entry.Value!.AsObject()).Where(operation => operation.Value?["security"] is not null),
            operation => Assert.Contains("apiKey", operation.Value!["security"]!.ToJsonString(), StringComparison.Ordinal));
        var schemas = subset["components"]!["schemas"]!.AsObject();
        Assert.True(schemas.Count < committed["components"]!["schemas"]!.AsObject().Count);
        Assert.All(System.Text.RegularExpressions.Regex.Matches(subset.ToJsonString(), "#/components/schemas/([A-Za-z0-9_.]+)"),
            reference => Assert.True(schemas.ContainsKey(reference.Groups[1].Value), reference.Value));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void The_validator_finds_an_undeclared_status_and_a_wrong_field()
    {
        var document = """
            {"openapi":"3.1.1","paths":{"/api/things/{id}":{"get":{"responses":{"200":{"description":"OK","content":{"application/json":
            {"schema":{"$ref":"#/components/schemas/Thing"}}}}}}}},
            "components":{"schemas":{"Thing":{"type":"object","required":["id"],"properties":{"id":{"type":"string","format":"uuid"}}}}}}
            """;
        var validator = new OpenApiDocumentValidator(document);
        var headers = new Dictionary<string, string>();
        Assert.Empty(validator.Check(new Exchange("GET", "/api/things/1", null, null, headers, 200, "application/json", $$"""{"id":"{{Guid.NewGuid()}}"}""", true)));
        Assert.Single(validator.Check(new Exchange("GET", "/api/things/1", null, null, headers, 404, "application/problem+json", "{}", true)));
        Assert.NotEmpty(validator.Check(new Exchange("GET", "/api/things/1", null, null, headers, 200, "application/json", """{"id":"not-a-uuid"}""", true)));
        Assert.NotEmpty(validator.Check(new Exchange("GET", "/api/things/1", null, null, headers, 200, "application/json", """{"id":7}""", true)));
    }

    private static HttpClient Client(MistyWebNode node, List<Exchange> exchanges, params (string Name, string Value)[] headers)
    {
        var client = new HttpClient(new RecordingHandler(exchanges)) { BaseAddress = node.Address };
        foreach (var (name, value) in headers)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        return client;
    }

    private static Task<HttpResponseMessage> Keyed(HttpClient client, HttpMethod method, string path, object body, string key)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    /// <summary>A request wrong on purpose: the recorder checks only its answer.</summary>
    private static Task<HttpResponseMessage> Wrong(HttpClient client, HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(RecordingHandler.DeliberatelyInvalid, "1");
        return client.SendAsync(request);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static void Invalid(HttpResponseMessage response, HttpStatusCode expected) =>
        Assert.True(expected == response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");
}
