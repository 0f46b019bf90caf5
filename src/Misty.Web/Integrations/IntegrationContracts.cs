using System.Text.Json;

namespace Misty.Web.Integrations;

/// <summary>The body of PUT /api/integrations/{serviceName}: the whole integration, except that credentials may be left out.</summary>
/// <param name="Settings">A JSON object of non-secret settings; absent means none.</param>
/// <param name="Credentials">Secret values by name, stored encrypted; absent keeps the stored ones, {} removes them.</param>
public sealed record PutIntegrationRequest(string? Category, bool? Connected, JsonElement? Settings, Dictionary<string, string?>? Credentials);

/// <summary>An integration as the API shows it: the names of its credentials, never their values.</summary>
public sealed record IntegrationResponse(
    Guid IntegrationId,
    string ServiceName,
    string? Category,
    bool Connected,
    JsonElement Settings,
    IReadOnlyList<string> CredentialNames,
    DateTimeOffset? LastSync,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static IntegrationResponse From(IntegrationRecord record) => new(record.IntegrationId, record.ServiceName, record.Category,
        record.Connected, JsonSerializer.Deserialize<JsonElement>(record.SettingsJson), record.Credentials.Names, record.LastSync,
        record.CreatedAt, record.UpdatedAt);
}
