using System.Net.Mail;
using System.Text.Json;
using Misty.Web.Api;
using Misty.Web.Integrations;

namespace Misty.Web.Notifications;

/// <summary>
/// The <c>smtp</c> integration: where customer email goes. Read from the integrations row before each batch, so a
/// change made through PUT /api/integrations/smtp applies to the next email without a restart.
/// </summary>
/// <param name="Security">"none", "starttls" or "tls" (TLS from the first byte, usually port 465).</param>
/// <param name="StoreName">The store's name in every email; the sender's name when not set.</param>
/// <param name="StoreAddress">The store's postal address in every email's footer; none when not set.</param>
public sealed record SmtpSettings(
    string Host,
    int Port,
    string Security,
    string FromAddress,
    string FromName,
    string? Username,
    string? Password,
    string StoreName,
    string? StoreAddress)
{
    public const string ServiceName = "smtp";
    public static readonly IReadOnlyList<string> SecurityModes = ["none", "starttls", "tls"];

    /// <summary>Checks the settings object of a PUT of the smtp integration; reports each bad field.</summary>
    public static void Validate(string settingsJson, IReadOnlyCollection<string>? credentialNames, FieldErrors errors)
    {
        using var document = JsonDocument.Parse(settingsJson);
        var settings = document.RootElement;
        errors.Check(Text(settings, "host") is { Length: > 0 and <= 255 }, "settings.host", "The SMTP server's host name or address is required.")
            .Check(PortOf(settings) is >= 1 and <= 65535, "settings.port", "A port from 1 to 65535, e.g. 587.")
            .Check(Text(settings, "security") is { } security && SecurityModes.Contains(security), "settings.security",
                $"One of {string.Join(", ", SecurityModes)}.")
            .Check(MailAddress.TryCreate(Text(settings, "fromAddress"), out _), "settings.fromAddress", "The address customers get email from.")
            .Check(Text(settings, "fromName") is { Length: > 0 and <= 200 }, "settings.fromName", "The sender's name, up to 200 characters.");
        if (credentialNames is { Count: > 0 })
        {
            errors.Check(credentialNames.Contains("username") && credentialNames.Contains("password"), "credentials",
                "Both username and password, or no credentials for a server without authentication.");
        }
    }

    /// <returns>The settings of a connected smtp integration, or null when email is not configured.</returns>
    public static SmtpSettings? From(IntegrationRecord? record, IntegrationCredentials credentials)
    {
        if (record is not { Connected: true })
        {
            return null;
        }

        using var document = JsonDocument.Parse(record.SettingsJson);
        var settings = document.RootElement;
        if (Text(settings, "host") is not { Length: > 0 } host || PortOf(settings) is not { } port || Text(settings, "fromAddress") is not { } from)
        {
            return null;
        }

        var secrets = credentials.Reveal(record.Credentials);
        var fromName = Text(settings, "fromName") ?? from;
        return new SmtpSettings(host, port, Text(settings, "security") ?? "starttls", from, fromName,
            secrets.GetValueOrDefault("username"), secrets.GetValueOrDefault("password"),
            Text(settings, "storeName") ?? fromName, Text(settings, "storeAddress"));
    }

    private static string? Text(JsonElement settings, string name) =>
        settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.Trim()
            : null;

    private static int? PortOf(JsonElement settings) =>
        settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("port", out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out var port)
            ? port
            : null;
}
