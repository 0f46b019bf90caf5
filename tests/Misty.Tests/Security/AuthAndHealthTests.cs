using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Security;

[Collection(PostgresCollection.Name)]
public sealed class AuthAndHealthTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_node_on_postgres_is_ready_and_lets_the_first_admin_log_in()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var anonymous = node.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = MistyWebNode.AdminEmail, password = MistyWebNode.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var body = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("accessToken").GetString()));
        Assert.True(body.RootElement.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        // The admin is a real users row with a hashed password and a recorded login.
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var query = database.CreateCommand("SELECT password_hash, role::text, last_login IS NOT NULL FROM users WHERE email = @email");
        query.Parameters.AddWithValue("email", MistyWebNode.AdminEmail);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.DoesNotContain(MistyWebNode.AdminPassword, reader.GetString(0), StringComparison.Ordinal);
        Assert.Equal("admin", reader.GetString(1));
        Assert.True(reader.GetBoolean(2));
    }

    [Fact]
    public async Task Calls_without_valid_credentials_are_refused_with_problem_details()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var anonymous = node.CreateClient();

        var wrongPassword = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = MistyWebNode.AdminEmail, password = "nope" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal("application/problem+json", wrongPassword.Content.Headers.ContentType?.MediaType);

        var missingFields = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "" });
        Assert.Equal(HttpStatusCode.BadRequest, missingFields.StatusCode);
        using var problem = JsonDocument.Parse(await missingFields.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("password", out _));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        using var forged = node.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/openapi/v1.json")).StatusCode);
        using var wrongKey = node.CreateClient();
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "msk_wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task Staff_tokens_and_the_storefront_key_are_accepted()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);

        using var staff = await node.CreateStaffClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/openapi/v1.json")).StatusCode);

        using var storefront = node.CreateClient();
        storefront.DefaultRequestHeaders.Add("X-Api-Key", MistyWebNode.StorefrontKey);
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync("/openapi/v1.json")).StatusCode);

        // The key is stored only as its SHA-256 hash.
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var query = database.CreateCommand("SELECT key_hash FROM api_keys");
        var stored = (byte[])(await query.ExecuteScalarAsync())!;
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(MistyWebNode.StorefrontKey)), stored);
    }
}
