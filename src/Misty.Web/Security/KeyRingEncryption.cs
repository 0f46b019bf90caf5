using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Misty.Grains.Hosting;
using Npgsql;

namespace Misty.Web.Security;

/// <summary>
/// The key-encryption key of the Data Protection key ring (which protects bearer tokens, customer tokens and stored
/// credentials): 32 random bytes, base64, from MISTY_KEYRING_KEY or the file MISTY_KEYRING_KEY_FILE names (./run.sh
/// keeps one in .misty/). With it, every key in data_protection_keys is stored AES-256-GCM encrypted, so a copy of the
/// database alone neither decrypts secrets nor mints tokens.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const string Setting = "MISTY_KEYRING_KEY";
    public const string FileSetting = "MISTY_KEYRING_KEY_FILE";
    public const int Length = 32;

    private KeyEncryptionKey(byte[] key)
    {
        Key = key;
        // Names the key in each encrypted element without revealing it, so a wrong key is reported as such.
        Id = Convert.ToHexString(SHA256.HashData(key), 0, 8);
    }

    internal byte[] Key { get; }

    public string Id { get; }

    /// <returns>The configured key, or null when none is configured.</returns>
    /// <exception cref="MistyConfigurationException">The setting or file does not hold 32 bytes of base64.</exception>
    public static KeyEncryptionKey? FromConfiguration(IConfiguration configuration)
    {
        string? text;
        string source;
        if (configuration[Setting] is { Length: > 0 } inline)
        {
            (text, source) = (inline, Setting);
        }
        else if (configuration[FileSetting] is { Length: > 0 } path)
        {
            text = File.Exists(path) ? File.ReadAllText(path) : throw new MistyConfigurationException($"{FileSetting}: there is no file {path}.");
            source = $"{FileSetting} ({path})";
        }
        else
        {
            return null;
        }

        var bytes = new byte[Length];
        return Convert.TryFromBase64String(text.Trim(), bytes, out var written) && written == Length
            ? new KeyEncryptionKey(bytes)
            : throw new MistyConfigurationException($"{source} must hold {Length} random bytes in base64 (e.g. `head -c 32 /dev/urandom | base64`).");
    }

    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Length));
}

/// <summary>Encrypts key-ring elements with the <see cref="KeyEncryptionKey"/> (AES-256-GCM, a fresh nonce per element).</summary>
public sealed class SecretXmlEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(kek.Key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.ASCII.GetBytes(kek.Id));
        var element = new XElement("misty-encrypted", new XAttribute("kek", kek.Id), Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(SecretXmlDecryptor));
    }

    internal static XElement Decrypt(KeyEncryptionKey kek, XElement encryptedElement)
    {
        var kekId = (string?)encryptedElement.Attribute("kek");
        if (kekId != kek.Id)
        {
            throw new CryptographicException($"The key ring was encrypted with key {kekId}, not the configured {KeyEncryptionKey.Setting} ({kek.Id}).");
        }

        var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(kek.Key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plaintext,
            Encoding.ASCII.GetBytes(kek.Id));
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>Data Protection creates it by type name from the stored key, with the application's services.</summary>
public sealed class SecretXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => SecretXmlEncryptor.Decrypt(services.GetRequiredService<KeyEncryptionKey>(), encryptedElement);
}

/// <summary>
/// Encrypts the keys that an older start stored in plain form (Data Protection marks their secret parts with
/// requiresEncryption), in place, before the key ring is first read.
/// </summary>
public static class KeyRingReprotection
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    /// <returns>How many stored keys were re-protected.</returns>
    public static async Task<int> RunAsync(NpgsqlDataSource database, IXmlEncryptor encryptor, CancellationToken cancellationToken)
    {
        var rows = new List<(int Id, XElement Xml)>();
        await using (var read = database.CreateCommand("SELECT id, xml FROM data_protection_keys ORDER BY id"))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt32(0), XElement.Parse(reader.GetString(1))));
            }
        }

        var changed = 0;
        foreach (var (id, xml) in rows)
        {
            if (!Protect(xml, encryptor))
            {
                continue;
            }

            await using var update = database.CreateCommand("UPDATE data_protection_keys SET xml = @xml WHERE id = @id");
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("xml", xml.ToString(SaveOptions.DisableFormatting));
            await update.ExecuteNonQueryAsync(cancellationToken);
            changed++;
        }

        return changed;
    }

    /// <summary>Replaces every element marked requiresEncryption by its encrypted form, as Data Protection itself stores it.</summary>
    public static bool Protect(XElement key, IXmlEncryptor encryptor)
    {
        var plain = key.Descendants().Where(element => (bool?)element.Attribute(DataProtection + "requiresEncryption") == true).ToList();
        foreach (var element in plain)
        {
            var encrypted = encryptor.Encrypt(new XElement(element));
            element.ReplaceWith(new XElement(DataProtection + "encryptedSecret",
                new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!), encrypted.EncryptedElement));
        }

        return plain.Count > 0;
    }
}
