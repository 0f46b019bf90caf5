using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Tests.Infrastructure;
using Misty.Web.Integrations;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Tests.Security;

[Collection(PostgresCollection.Name)]
public sealed class IntegrationSecretsTests(PostgresFixture postgres)
{
    private const string SecretKey = "sk_live_PLAINTEXT-4f9c2e7a1b";
    private const string WebhookSecret = "whsec_PLAINTEXT-93d1aa";

    [Fact]
    public async Task Credentials_are_stored_encrypted_shown_by_name_only_and_never_logged()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var log = new LogCapture();
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: log.AddTo);
        using var admin = await node.CreateStaffClientAsync();

        var put = await admin.PutAsJsonAsync("/api/integrations/Stripe", new
        {
            category = "payments",
            connected = true,
            settings = new { mode = "live", statementDescriptor = "MISTY RECORDS" },
            credentials = new Dictionary<string, string> { ["secretKey"] = SecretKey, ["webhookSecret"] = WebhookSecret },
        });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("/api/integrations/stripe", put.Headers.Location?.OriginalString);
        var created = (await put.Content.ReadFromJsonAsync<IntegrationResponse>())!;
        Assert.Equal(("stripe", "payments", true, "live"), (created.ServiceName, created.Category, created.Connected, created.Settings.GetProperty("mode").GetString()));
        Assert.Equal(["secretKey", "webhookSecret"], created.CredentialNames);

        var stored = await TestSql.ScalarAsync<string>(connectionString, "SELECT credentials::text FROM integrations WHERE service_name = 'stripe'");
        Assert.Contains("ciphertext", stored, StringComparison.Ordinal);
        Assert.Contains("secretKey", stored, StringComparison.Ordinal);
        Assert.Empty(await RowsContainingAsync(connectionString, "PLAINTEXT"));

        foreach (var path in new[] { "/api/integrations/stripe", "/api/integrations" })
        {
            var shown = await admin.GetStringAsync(path);
            Assert.Contains("webhookSecret", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("PLAINTEXT", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("ciphertext", shown, StringComparison.Ordinal);
        }

        // The code that calls Stripe gets the values back.
        var credentials = node.Services.GetRequiredService<IntegrationCredentials>();
        var store = node.Services.GetRequiredService<IIntegrationStore>();
        var record = (await store.FindAsync("stripe", CancellationToken.None))!;
        Assert.Equal(SecretKey, credentials.Reveal(record.Credentials)["secretKey"]);
        Assert.Equal(WebhookSecret, credentials.Reveal(record.Credentials)["webhookSecret"]);
        // Under another purpose the same ciphertext does not decrypt.
        Assert.ThrowsAny<CryptographicException>(() =>
            node.Services.GetRequiredService<ISecretProtector>().Unprotect("ai_model_config.model_parameters", record.Credentials.Ciphertext!));

        // Leaving credentials out keeps them; an empty object removes them.
        var kept = await admin.PutAsJsonAsync("/api/integrations/stripe", new { category = "payments", connected = false });
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(["secretKey", "webhookSecret"], (await kept.Content.ReadFromJsonAsync<IntegrationResponse>())!.CredentialNames);
        Assert.Equal(SecretKey, credentials.Reveal((await store.FindAsync("stripe", CancellationToken.None))!.Credentials)["secretKey"]);
        var cleared = await admin.PutAsJsonAsync("/api/integrations/stripe", new { connected = false, credentials = new { } });
        Assert.Empty((await cleared.Content.ReadFromJsonAsync<IntegrationResponse>())!.CredentialNames);
        Assert.Equal("{}", await TestSql.ScalarAsync<string>(connectionString, "SELECT credentials::text FROM integrations WHERE service_name = 'stripe'"));

        var audit = await TestSql.AuditRowsAsync(connectionString, "integrations.created");
        Assert.Equal(["secretKey", "webhookSecret"],
            Assert.Single(audit).Metadata.GetProperty("credentialNames").EnumerateArray().Select(name => name.GetString()));
        Assert.Equal(2, (await TestSql.AuditRowsAsync(connectionString, "integrations.updated")).Count);
        Assert.True(log.Count > 0);
        Assert.DoesNotContain("PLAINTEXT", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Managers_read_integrations_admins_change_them_and_bad_fields_write_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        using var storefront = node.CreateStorefrontClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/api/integrations/sendgrid", new { category = "email", connected = true })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/integrations/sendgrid")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutAsJsonAsync("/api/integrations/sendgrid", new { connected = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await storefront.GetAsync("/api/integrations")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/integrations/shopify")).StatusCode);

        (string Path, object Body, string Field)[] cases =
        [
            ("/api/integrations/bad%20name", new { connected = true }, "serviceName"),
            ("/api/integrations/" + new string('s', 101), new { connected = true }, "serviceName"),
            ("/api/integrations/x'--", new { connected = true }, "serviceName"),
            ("/api/integrations/shopify", new { }, "connected"),
            ("/api/integrations/shopify", new { connected = true, category = "<b>shop</b>" }, "category"),
            ("/api/integrations/shopify", new { connected = true, settings = "mode=live" }, "settings"),
            ("/api/integrations/shopify", new { connected = true, settings = new[] { 1, 2 } }, "settings"),
            ("/api/integrations/shopify", new { connected = true, settings = new { note = "a\u0000b" } }, "settings"),
            ("/api/integrations/shopify", new { connected = true, credentials = new Dictionary<string, string> { ["bad name"] = "x" } }, "credentials"),
            ("/api/integrations/shopify", new { connected = true, credentials = new Dictionary<string, string> { ["token"] = "" } }, "credentials.token"),
            ("/api/integrations/shopify", new { connected = true, credentials = new Dictionary<string, string?> { ["token"] = null } }, "credentials.token"),
            ("/api/integrations/shopify", new { connected = true, credentials = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v") }, "credentials"),
        ];
        foreach (var (path, body, field) in cases)
        {
            var response = await admin.PutAsJsonAsync(path, body);
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{path} {JsonSerializer.Serialize(body)}: {response.StatusCode}");
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{path}: {problem.RootElement}");
        }

        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM integrations"));
    }

    /// <summary>"table: row" for every row of every table (Orleans' and the key ring's included) whose text contains <paramref name="text"/>.</summary>
    private static async Task<List<string>> RowsContainingAsync(string connectionString, string text)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        var tables = new List<string>();
        await using (var list = database.CreateCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var search = database.CreateCommand($"SELECT t::text FROM \"{table}\" t WHERE t::text LIKE @pattern");
            search.Parameters.AddWithValue("pattern", $"%{text}%");
            await using var reader = await search.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found.Add($"{table}: {reader.GetString(0)}");
            }
        }

        return found;
    }
}
