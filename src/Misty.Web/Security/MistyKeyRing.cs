using Microsoft.AspNetCore.DataProtection;
using Misty.Grains.Hosting;
using Npgsql;

namespace Misty.Web.Security;

public static class MistyKeyRing
{
    /// <summary>
    /// Keeps the Data Protection key ring in PostgreSQL, encrypted with the <see cref="KeyEncryptionKey"/>; keys stored
    /// unencrypted by an earlier start are encrypted first. Outside Development a start without the key refuses to run,
    /// since an unencrypted key ring lets a copy of the database mint admin tokens.
    /// </summary>
    public static async Task AddMistyKeyRingAsync(this WebApplicationBuilder builder, NpgsqlDataSource database)
    {
        var kek = KeyEncryptionKey.FromConfiguration(builder.Configuration);
        if (kek is null && !builder.Environment.IsDevelopment())
        {
            throw new MistyConfigurationException(
                $"Set {KeyEncryptionKey.Setting} (32 random bytes, base64) or {KeyEncryptionKey.FileSetting} (a file holding them): the key that " +
                "encrypts the key ring in data_protection_keys. ./run.sh keeps one in .misty/keyring-key. Only ASPNETCORE_ENVIRONMENT=Development runs without.");
        }

        builder.Services.AddDataProtection().SetApplicationName("misty")
            .AddKeyManagementOptions(keys =>
            {
                keys.XmlRepository = new PostgresXmlRepository(database);
                if (kek is not null)
                {
                    keys.XmlEncryptor = new SecretXmlEncryptor(kek);
                }
            });
        if (kek is not null)
        {
            builder.Services.AddSingleton(kek);
            await KeyRingReprotection.RunAsync(database, new SecretXmlEncryptor(kek), CancellationToken.None);
        }
    }
}
