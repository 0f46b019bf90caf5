using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Security;

[Collection(PostgresCollection.Name)]
public sealed class HttpHardeningTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Logins_are_limited_per_client_address_with_429_problem_and_Retry_After()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder =>
            builder.Configuration.AddInMemoryCollection([new("MISTY_LOGIN_RATE_LIMIT", "3")]));
        using var anonymous = node.CreateClient();

        var answers = new List<HttpResponseMessage>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            answers.Add(await anonymous.PostAsJsonAsync("/api/auth/login", new { email = MistyWebNode.AdminEmail, password = $"guess {attempt}" }));
        }

        Assert.Equal([401, 401, 401, 429, 429], answers.Select(answer => (int)answer.StatusCode));
        var limited = answers[^1];
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        // Even the right password waits: the limit is about guessing, whoever guesses.
        Assert.Equal(HttpStatusCode.TooManyRequests,
            (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = MistyWebNode.AdminEmail, password = MistyWebNode.AdminPassword })).StatusCode);
        // Refused before the password check: only the three attempts counted towards the lockout.
        Assert.Equal(3, await TestSql.ScalarAsync<int>(connectionString, "SELECT failed_logins FROM users"));
    }

    [Fact]
    public async Task Storefront_endpoints_are_limited_per_key_and_other_callers_keep_their_own_budget()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder =>
            builder.Configuration.AddInMemoryCollection([new("MISTY_STOREFRONT_RATE_LIMIT", "5")]));
        using var admin = await node.CreateStaffClientAsync();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 3);
        var second = await admin.PostAsJsonAsync("/api/api-keys", new { name = "second shop", kind = "server" });
        using var secondShop = node.CreateStorefrontClient((await second.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key);
        using var shop = node.CreateStorefrontClient();

        var statuses = new List<HttpStatusCode>();
        for (var request = 0; request < 20; request++)
        {
            statuses.Add((await shop.GetAsync($"/api/inventory/{albumId}")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        // At most two seconds' worth got through, whatever the clock did meanwhile.
        Assert.InRange(statuses.Count(status => status == HttpStatusCode.OK), 5, 10);
        var limited = await shop.GetAsync($"/api/inventory/{albumId}");
        if (limited.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(HttpStatusCode.OK, (await secondShop.GetAsync($"/api/inventory/{albumId}")).StatusCode);
        // Admin endpoints are not storefront endpoints.
        for (var request = 0; request < 8; request++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/api-keys")).StatusCode);
        }
    }

    [Fact]
    public async Task An_oversized_body_is_413_with_problem_details_and_writes_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var huge = JsonSerializer.Serialize(new { name = new string('k', (int)HttpHardening.MaxRequestBodyBytes) });

        // Expect: 100-continue, so that the client reads Kestrel's early 413 instead of failing to send the rest.
        using var declaredRequest = new HttpRequestMessage(HttpMethod.Post, "/api/api-keys")
        {
            Content = new StringContent(huge, Encoding.UTF8, "application/json"),
            Headers = { ExpectContinue = true },
        };
        var declared = await admin.SendAsync(declaredRequest);
        var chunked = new StringContent(huge, Encoding.UTF8, "application/json");
        chunked.Headers.ContentLength = null;
        using var streamedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/api-keys") { Content = chunked, Headers = { ExpectContinue = true } };
        streamedRequest.Headers.TransferEncodingChunked = true;
        var streamed = await admin.SendAsync(streamedRequest);

        foreach (var response in new[] { declared, streamed })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM api_keys"));
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        using var anonymous = node.CreateClient();

        foreach (var response in new[]
                 {
                     await admin.GetAsync("/api/users"),
                     await admin.GetAsync($"/api/users/{Guid.NewGuid()}"),
                     await admin.PostAsJsonAsync("/api/users", new { }),
                     await anonymous.GetAsync("/api/users"),
                     await anonymous.PostAsJsonAsync("/api/auth/login", new { email = MistyWebNode.AdminEmail, password = MistyWebNode.AdminPassword }),
                     await anonymous.GetAsync("/health/live"),
                 })
        {
            var because = $"{response.RequestMessage!.RequestUri}: {response.StatusCode}";
            Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", because);
            Assert.True(Header(response, "X-Frame-Options") == "DENY", because);
            Assert.True(Header(response, "Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'", because);
            Assert.True(Header(response, "Referrer-Policy") == "no-referrer", because);
            Assert.True(Header(response, "Cross-Origin-Resource-Policy") == "same-origin", because);
            Assert.True(response.Headers.CacheControl?.NoStore == true || response.Headers.CacheControl?.NoCache == true, because);
        }
    }

    [Fact]
    public async Task Unreadable_bodies_are_problems_naming_the_field()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 3);
        var restock = $"/api/inventory/{albumId}/restock";

        foreach (var (json, field) in new[]
                 {
                     ("{\"quantity\": \"many\"}", "quantity"),
                     ("{\"quantity\": 1e30}", "quantity"),
                     ("{\"quantity\": 2147483648}", "quantity"),
                     ("{\"quantity\": 1.5}", "quantity"),
                     ("{\"quantity\": 2, \"unitCost\": true}", "unitCost"),
                     ("[1, 2]", "body"),
                 })
        {
            var response = await admin.PostAsync(restock, new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{json}: {response.StatusCode}");
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{json}: {problem.RootElement}");
        }

        var text = await admin.PostAsync(restock, new StringContent("quantity=2", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("application/problem+json", text.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM inventory_transactions WHERE transaction_type = 'restock' AND notes IS DISTINCT FROM 'opening stock'"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
