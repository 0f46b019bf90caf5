using System.Text.Json;

namespace Misty.Web.Integrations;

/// <summary>An integrations row. Its credentials stay encrypted; only <see cref="IntegrationCredentials"/> opens them.</summary>
public sealed record IntegrationRecord(
    Guid IntegrationId,
    string ServiceName,
    string? Category,
    bool Connected,
    string SettingsJson,
    StoredCredentials Credentials,
    DateTimeOffset? LastSync,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <param name="Credentials">New credentials, or null to keep the stored ones.</param>
public sealed record IntegrationUpdate(string ServiceName, string? Category, bool Connected, string SettingsJson, StoredCredentials? Credentials);

/// <summary>
/// The integrations.credentials column: the names of the credentials in clear (they are not secret, and listing them
/// needs no key), their values encrypted together as one Data Protection ciphertext.
/// </summary>
public sealed record StoredCredentials(IReadOnlyList<string> Names, string? Ciphertext)
{
    public static readonly StoredCredentials None = new([], null);

    /// <summary>The column's value; without credentials, the schema's default {}.</summary>
    public string ToJson() => Ciphertext is null ? "{}" : JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static StoredCredentials FromJson(string json)
    {
        var stored = JsonSerializer.Deserialize<StoredCredentials>(json, JsonSerializerOptions.Web);
        return stored is { Names: not null } ? stored : None;
    }
}

/// <summary>Where integrations live.</summary>
public interface IIntegrationStore
{
    Task<IReadOnlyList<IntegrationRecord>> ListAsync(CancellationToken cancellationToken);
    Task<IntegrationRecord?> FindAsync(string serviceName, CancellationToken cancellationToken);

    /// <returns>The stored row, and whether it was created (rather than replaced).</returns>
    Task<(IntegrationRecord Record, bool Created)> UpsertAsync(IntegrationUpdate update, CancellationToken cancellationToken);
}
