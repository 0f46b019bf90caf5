using System.Net;
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

    private static Task<long> KeyRowsAsync(string connectionString, string pattern) =>
        TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM data_protection_keys WHERE xml LIKE @p", ("p", pattern));
}
