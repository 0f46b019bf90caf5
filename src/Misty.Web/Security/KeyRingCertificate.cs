using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Misty.Grains.Hosting;

namespace Misty.Web.Security;

/// <summary>
/// A certificate as the key ring's key-encryption key, instead of <see cref="KeyEncryptionKey"/>'s secret: an RSA
/// certificate with its private key, from MISTY_KEYRING_CERT (a PKCS#12 file, its password in
/// MISTY_KEYRING_CERT_PASSWORD, or a PEM file holding the certificate and its key). Suits a site whose secrets are
/// certificates kept by a vault or a Kubernetes Secret.
/// </summary>
public sealed class KeyRingCertificate
{
    public const string Setting = "MISTY_KEYRING_CERT";
    public const string PasswordSetting = "MISTY_KEYRING_CERT_PASSWORD";

    /// <summary>Below this an RSA key is no longer considered safe (NIST SP 800-57).</summary>
    public const int MinKeyBits = 2048;

    private KeyRingCertificate(X509Certificate2 certificate) => Certificate = certificate;

    internal X509Certificate2 Certificate { get; }

    public string Thumbprint => Certificate.Thumbprint;

    /// <returns>The configured certificate, or null when none is configured.</returns>
    /// <exception cref="MistyConfigurationException">The file is missing, unreadable, or holds no usable RSA private key.</exception>
    public static KeyRingCertificate? FromConfiguration(IConfiguration configuration)
    {
        if (configuration[Setting] is not { Length: > 0 } path)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new MistyConfigurationException($"{Setting}: there is no file {path}.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
                ? X509Certificate2.CreateFromPemFile(path)
                : X509CertificateLoader.LoadPkcs12FromFile(path, configuration[PasswordSetting]);
        }
        catch (CryptographicException)
        {
            // The exception's text may quote the file; the password is never repeated.
            throw new MistyConfigurationException($"{Setting} ({path}) is not a PKCS#12 or PEM certificate that {PasswordSetting} opens.");
        }

        using var key = certificate.GetRSAPrivateKey();
        return key is { KeySize: >= MinKeyBits }
            ? new KeyRingCertificate(certificate)
            : throw new MistyConfigurationException($"{Setting} ({path}) must hold an RSA certificate of at least {MinKeyBits} bits with its private key.");
    }
}

/// <summary>
/// Envelope encryption of key-ring elements under a <see cref="KeyRingCertificate"/>: each element AES-256-GCM under a
/// fresh key, which is stored wrapped with the certificate's public key (RSA-OAEP-SHA256), so only the private key
/// opens it. The element names the certificate's thumbprint, so a wrong certificate is reported as such.
/// </summary>
public sealed class CertificateXmlEncryptor(KeyRingCertificate certificate) : IXmlEncryptor
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var contentKey = RandomNumberGenerator.GetBytes(KeyEncryptionKey.Length);
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, NonceSize));
        using (var aes = new AesGcm(contentKey, TagSize))
        {
            aes.Encrypt(sealedBytes.AsSpan(0, NonceSize), plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize),
                Encoding.ASCII.GetBytes(certificate.Thumbprint));
        }

        using var rsa = certificate.Certificate.GetRSAPublicKey()!;
        var wrapped = rsa.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256);
        CryptographicOperations.ZeroMemory(contentKey);
        var element = new XElement("misty-certificate-encrypted",
            new XAttribute("thumbprint", certificate.Thumbprint), new XAttribute("key", Convert.ToBase64String(wrapped)), Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(CertificateXmlDecryptor));
    }

    internal static XElement Decrypt(KeyRingCertificate? certificate, XElement encryptedElement)
    {
        var thumbprint = (string?)encryptedElement.Attribute("thumbprint");
        if (certificate is null || !string.Equals(thumbprint, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new CryptographicException(
                $"The key ring was encrypted with the certificate {thumbprint}, not the configured {KeyRingCertificate.Setting} ({certificate?.Thumbprint ?? "none"}).");
        }

        using var rsa = certificate.Certificate.GetRSAPrivateKey()!;
        var contentKey = rsa.Decrypt(Convert.FromBase64String((string)encryptedElement.Attribute("key")!), RSAEncryptionPadding.OaepSHA256);
        var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(contentKey, TagSize))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plaintext,
                Encoding.ASCII.GetBytes(certificate.Thumbprint));
        }

        CryptographicOperations.ZeroMemory(contentKey);
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>Data Protection creates it by type name from the stored key, with the application's services.</summary>
public sealed class CertificateXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => CertificateXmlEncryptor.Decrypt(services.GetService<KeyRingCertificate>(), encryptedElement);
}
