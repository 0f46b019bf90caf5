using Microsoft.AspNetCore.DataProtection;

namespace Misty.Web.Security;

/// <summary>
/// Encrypts secrets that Misty must store and later use (integration credentials, and any later secret), with ASP.NET
/// Core Data Protection and its key ring in PostgreSQL. Each kind of secret has its own purpose string, so a ciphertext
/// copied into another column does not decrypt there.
/// </summary>
public interface ISecretProtector
{
    string Protect(string purpose, string secret);

    /// <exception cref="System.Security.Cryptography.CryptographicException">Tampered, of another purpose, or its key is gone.</exception>
    string Unprotect(string purpose, string protectedSecret);
}

public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private const string RootPurpose = "Misty.StoredSecrets.v1";

    public string Protect(string purpose, string secret) => provider.CreateProtector(RootPurpose, purpose).Protect(secret);

    public string Unprotect(string purpose, string protectedSecret) => provider.CreateProtector(RootPurpose, purpose).Unprotect(protectedSecret);
}
