using System.Text.Json;
using Misty.Web.Security;

namespace Misty.Web.Integrations;

/// <summary>Encrypts integration credentials for storage, and opens them for the code that calls the service.</summary>
public sealed class IntegrationCredentials(ISecretProtector protector)
{
    public const string Purpose = "integrations.credentials";

    public StoredCredentials Protect(IReadOnlyDictionary<string, string> credentials) =>
        credentials.Count == 0
            ? StoredCredentials.None
            : new StoredCredentials([.. credentials.Keys.Order(StringComparer.Ordinal)],
                protector.Protect(Purpose, JsonSerializer.Serialize(credentials)));

    public IReadOnlyDictionary<string, string> Reveal(StoredCredentials stored) =>
        stored.Ciphertext is null
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(Purpose, stored.Ciphertext))!;
}
