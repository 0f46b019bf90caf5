using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Misty.Grains.Hosting;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Security;

/// <summary>The Data Protection key ring is stored encrypted, so a copy of the database alone cannot mint tokens.</summary>
[Collection(PostgresCollection.Name)]
public sealed class KeyRingEncryptionTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Plain_keys_of_an_earlier_start_are_encrypted_at_the_next_start_and_tokens_still_work()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        HttpClient staff;
        // A development start without a key-encryption key stores the key ring as it always did: in plain form.
        await using (var plain = await MistyWebNode.StartAsync(connectionString, configure: builder =>
                     {
                         builder.Configuration.AddInMemoryCollection([new(KeyEncryptionKey.Setting, "")]);
                         builder.Environment.EnvironmentName = "Development";
                     }))
        {
            staff = await plain.CreateStaffClientAsync();
            Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/albums")).StatusCode);
        }

        Assert.True(await KeyRowsAsync(connectionString, "%<value>%") > 0);

        await using var node = await MistyWebNode.StartAsync(connectionString);
        Assert.Equal(0L, await KeyRowsAsync(connectionString, "%<value>%"));
        Assert.Equal(await KeyRowsAsync(connectionString, "%"), await KeyRowsAsync(connectionString, "%encryptedSecret%misty-encrypted%"));
        // The re-protected keys are the same keys: a token issued before still works.
        using var again = node.CreateClient();
        again.DefaultRequestHeaders.Authorization = staff.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/albums")).StatusCode);
        staff.Dispose();
    }

    [Fact]
    public async Task A_production_start_without_a_key_encryption_key_refuses_to_run_and_a_malformed_one_is_named()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var missing = await Assert.ThrowsAsync<MistyConfigurationException>(() => MistyWebNode.StartAsync(connectionString,
            configure: builder => builder.Configuration.AddInMemoryCollection([new(KeyEncryptionKey.Setting, "")])));
        Assert.Contains(KeyEncryptionKey.Setting, missing.Message, StringComparison.Ordinal);
        var malformed = await Assert.ThrowsAsync<MistyConfigurationException>(() => MistyWebNode.StartAsync(connectionString,
            configure: builder => builder.Configuration.AddInMemoryCollection([new(KeyEncryptionKey.Setting, "c2hvcnQ=")])));
        Assert.Contains("32 random bytes", malformed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ=", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_can_be_the_key_encryption_key_and_only_that_certificate_opens_the_key_ring()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var folder = Directory.CreateTempSubdirectory("misty-keyring-cert");
        try
        {
            var certificate = WriteCertificate(folder.FullName, "current", "pfx password 1");
            var other = WriteCertificate(folder.FullName, "other", "pfx password 2");
            HttpClient staff;
            await using (var first = await MistyWebNode.StartAsync(connectionString, configure: builder => UseCertificate(builder, certificate, "pfx password 1")))
            {
                staff = await first.CreateStaffClientAsync();
            }

            Assert.Equal(0L, await KeyRowsAsync(connectionString, "%<value>%"));
            Assert.Equal(await KeyRowsAsync(connectionString, "%"), await KeyRowsAsync(connectionString, "%encryptedSecret%misty-certificate-encrypted%"));
            await using (var again = await MistyWebNode.StartAsync(connectionString, configure: builder => UseCertificate(builder, certificate, "pfx password 1")))
            {
                using var client = again.CreateClient();
                client.DefaultRequestHeaders.Authorization = staff.DefaultRequestHeaders.Authorization;
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/albums")).StatusCode);
            }

            await using (var wrong = await MistyWebNode.StartAsync(connectionString, configure: builder => UseCertificate(builder, other, "pfx password 2")))
            {
                using var client = wrong.CreateClient();
                client.DefaultRequestHeaders.Authorization = staff.DefaultRequestHeaders.Authorization;
                Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/albums")).StatusCode);
            }

            var both = await Assert.ThrowsAsync<MistyConfigurationException>(() => MistyWebNode.StartAsync(connectionString,
                configure: builder => builder.Configuration.AddInMemoryCollection(
                    [new(KeyRingCertificate.Setting, certificate), new(KeyRingCertificate.PasswordSetting, "pfx password 1")])));
            Assert.Contains("not both", both.Message, StringComparison.Ordinal);
            var badPassword = await Assert.ThrowsAsync<MistyConfigurationException>(() => MistyWebNode.StartAsync(connectionString,
                configure: builder => UseCertificate(builder, certificate, "not the pfx password")));
            Assert.DoesNotContain("not the pfx password", badPassword.Message, StringComparison.Ordinal);
            staff.Dispose();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void UseCertificate(WebApplicationBuilder builder, string path, string password) =>
        builder.Configuration.AddInMemoryCollection(
            [new(KeyEncryptionKey.Setting, ""), new(KeyRingCertificate.Setting, path), new(KeyRingCertificate.PasswordSetting, password)]);

    /// <summary>A self-signed RSA certificate with its private key, as a password-protected PKCS#12 file.</summary>
    private static string WriteCertificate(string folder, string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=misty-keyring-{name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    private static Task<long> KeyRowsAsync(string connectionString, string pattern) =>
        TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM data_protection_keys WHERE xml LIKE @p", ("p", pattern));
}
