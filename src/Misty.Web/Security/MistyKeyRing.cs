using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Misty.Grains.Hosting;
using Npgsql;

namespace Misty.Web.Security;

public static class MistyKeyRing
{
    /// <summary>
    /// Keeps the Data Protection key ring in PostgreSQL, encrypted with the <see cref="KeyEncryptionKey"/> or the
    /// <see cref="KeyRingCertificate"/> (one of them); keys stored unencrypted by an earlier start are encrypted first.
    /// Outside Development a start without either refuses to run, since an unencrypted key ring lets a copy of the
    /// database mint admin tokens.
    /// </summary>
    public static async Task AddMistyKeyRingAsync(this WebApplicationBuilder builder, NpgsqlDataSource database)
    {
        var kek = KeyEncryptionKey.FromConfiguration(builder.Configuration);
        var certificate = KeyRingCertificate.FromConfiguration(builder.Configuration);
        if (kek is not null && certificate is not null)
        {
            throw new MistyConfigurationException(
                $"Set one key-encryption key: {KeyEncryptionKey.Setting} (or {KeyEncryptionKey.FileSetting}) or {KeyRingCertificate.Setting}, not both.");
        }

        if (kek is null && certificate is null && !builder.Environment.IsDevelopment())
        {
            throw new MistyConfigurationException(
                $"Set {KeyEncryptionKey.Setting} (32 random bytes, base64), {KeyEncryptionKey.FileSetting} (a file holding them) or " +
                $"{KeyRingCertificate.Setting} (an RSA certificate with its private key): the key that encrypts the key ring in " +
                "data_protection_keys. ./run.sh keeps one in .misty/keyring-key. Only ASPNETCORE_ENVIRONMENT=Development runs without.");
        }

        IXmlEncryptor? encryptor = kek is not null ? new SecretXmlEncryptor(kek)
            : certificate is not null ? new CertificateXmlEncryptor(certificate)
            : null;
        builder.Services.AddDataProtection().SetApplicationName("misty")
            .AddKeyManagementOptions(keys =>
            {
                keys.XmlRepository = new PostgresXmlRepository(database);
                keys.XmlEncryptor = encryptor;
            });
        if (kek is not null)
        {
            builder.Services.AddSingleton(kek);
        }

        if (certificate is not null)
        {
            builder.Services.AddSingleton(certificate);
        }

        if (encryptor is not null)
        {
            await KeyRingReprotection.RunAsync(database, encryptor, CancellationToken.None);
        }
    }
}
