using System.Text.Json;
using Misty.Web.Integrations;

namespace Misty.Web.Payments;

/// <summary>
/// The <c>stripe</c> integration: credentials <c>secretKey</c> (sk_...) and <c>webhookSecret</c> (whsec_..., for
/// POST /api/payments/stripe/webhook); settings <c>currency</c> (default "usd") and <c>apiBase</c> (Stripe's API unless set,
/// e.g. a stand-in for tests).
/// </summary>
public sealed record StripeSettings(string SecretKey, string? WebhookSecret, string Currency, string? ApiBase)
{
    public const string ServiceName = "stripe";

    /// <returns>The settings of a connected stripe integration with a secret key, or null.</returns>
    public static StripeSettings? From(IntegrationRecord? record, IntegrationCredentials credentials)
    {
        if (record is not { Connected: true } || !record.Credentials.Names.Contains("secretKey"))
        {
            return null;
        }

        var secrets = credentials.Reveal(record.Credentials);
        using var document = JsonDocument.Parse(record.SettingsJson);
        string? Text(string name) => document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return new StripeSettings(secrets["secretKey"], secrets.GetValueOrDefault("webhookSecret"), (Text("currency") ?? "usd").ToLowerInvariant(), Text("apiBase"));
    }

    /// <summary>The webhook secret alone: a stripe integration may have one before it has a secret key.</summary>
    public static string? WebhookSecretOf(IntegrationRecord? record, IntegrationCredentials credentials) =>
        record is not null && record.Credentials.Names.Contains("webhookSecret") ? credentials.Reveal(record.Credentials).GetValueOrDefault("webhookSecret") : null;
}
