using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Security;

[Collection(PostgresCollection.Name)]
public sealed class ApiKeyRotationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_key_is_rotated_by_creating_a_new_one_and_revoking_the_old()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        using var oldKey = node.CreateStorefrontClient();
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 3);
        var seeded = Assert.Single((await admin.GetFromJsonAsync<List<ApiKeyResponse>>("/api/api-keys"))!);

        // The first-run key is a server key.
        Assert.Equal(StorefrontKeyKinds.Server, seeded.Kind);
        var response = await admin.PostAsJsonAsync("/api/api-keys", new { name = "shop 2026", kind = "server" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;
        Assert.Equal(("shop 2026", "storefront", "server", created.Key[..8]), (created.Name, created.Scope, created.Kind, created.KeyPrefix));
        Assert.Equal($"/api/api-keys/{created.ApiKeyId}", response.Headers.Location?.OriginalString);
        // Only the hash is stored, and the key is never shown again.
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(created.Key)),
            await TestSql.ScalarAsync<byte[]>(connectionString, "SELECT key_hash FROM api_keys WHERE api_key_id = @id", ("id", created.ApiKeyId)));
        Assert.DoesNotContain(created.Key, await admin.GetStringAsync("/api/api-keys"), StringComparison.Ordinal);
        Assert.DoesNotContain(created.Key, await TestSql.AllSystemLogsAsync(connectionString), StringComparison.Ordinal);

        using var newKey = node.CreateStorefrontClient(created.Key);
        Assert.Equal(HttpStatusCode.OK, (await newKey.GetAsync($"/api/inventory/{albumId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await oldKey.GetAsync($"/api/inventory/{albumId}")).StatusCode);

        var revoked = await admin.DeleteAsync($"/api/api-keys/{seeded.ApiKeyId}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.NotNull((await revoked.Content.ReadFromJsonAsync<ApiKeyResponse>())!.RevokedAt);
        Assert.Equal(HttpStatusCode.Unauthorized, (await oldKey.GetAsync($"/api/inventory/{albumId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newKey.GetAsync($"/api/inventory/{albumId}")).StatusCode);

        var keys = (await admin.GetFromJsonAsync<List<ApiKeyResponse>>("/api/api-keys"))!;
        Assert.Equal([(seeded.ApiKeyId, true), (created.ApiKeyId, false)], keys.Select(key => (key.ApiKeyId, key.RevokedAt is not null)));
        Assert.Equal(created.ApiKeyId.ToString(), Assert.Single(await TestSql.AuditRowsAsync(connectionString, "api_keys.created")).Detail("apiKeyId"));
        Assert.Equal(seeded.ApiKeyId.ToString(), Assert.Single(await TestSql.AuditRowsAsync(connectionString, "api_keys.revoked")).Detail("apiKeyId"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/api-keys/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_seed_key_stays_revoked_when_the_node_restarts_with_the_same_setting()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using (var first = await MistyWebNode.StartAsync(connectionString))
        {
            using var admin = await first.CreateStaffClientAsync();
            var seeded = Assert.Single((await admin.GetFromJsonAsync<List<ApiKeyResponse>>("/api/api-keys"))!);
            Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/api-keys/{seeded.ApiKeyId}")).StatusCode);
        }

        // MISTY_STOREFRONT_KEY seeds only the very first key: it neither fails the start nor comes back.
        await using var second = await MistyWebNode.StartAsync(connectionString);
        using var storefront = second.CreateStorefrontClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await storefront.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM api_keys"));
    }

    [Fact]
    public async Task Only_admins_manage_keys_and_names_are_validated()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        using var storefront = node.CreateStorefrontClient();

        foreach (var client in new[] { manager, storefront })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/api-keys")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/api-keys", new { name = "mine", kind = "server" })).StatusCode);
        }

        foreach (var kind in new object?[] { null, "", "admin", "Public'--", 1 })
        {
            var response = await admin.PostAsJsonAsync("/api/api-keys", new { name = "shop", kind });
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"kind {kind}: {response.StatusCode}");
        }

        foreach (var name in new object?[] { null, "", "   ", new string('k', 101), "<script>alert(1)</script>", "x'; DROP TABLE api_keys;--", "tab\there" })
        {
            var response = await admin.PostAsJsonAsync("/api/api-keys", new { name, kind = "public" });
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{name}: {response.StatusCode}");
        }

        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM api_keys"));
    }
}
