using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Audit;
using Misty.Web.Api;
using Misty.Web.Notifications;
using Misty.Web.Security;

namespace Misty.Web.Integrations;

public static partial class IntegrationsApi
{
    private const int MaxSettingsBytes = 64 * 1024;
    private const int MaxCredentials = 20;
    private const int MaxSecretLength = 8_192;

    public static IServiceCollection AddIntegrationsWeb(this IServiceCollection services) =>
        services.AddSingleton<IIntegrationStore, PostgresIntegrationStore>().AddSingleton<IntegrationCredentials>();

    public static IEndpointRouteBuilder MapIntegrationsApi(this IEndpointRouteBuilder routes)
    {
        var integrations = routes.MapGroup("/api/integrations").WithTags("Integrations");
        integrations.MapGet("", ListAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("listIntegrations")
            .WithSummary("The external services (payments, shop, mail, ...) and their settings; credentials by name only.");
        integrations.MapGet("/{serviceName}", GetAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("getIntegration")
            .WithSummary("One integration; credentials by name only.");
        integrations.MapPut("/{serviceName}", PutAsync)
            .RequireAuthorization(MistyPolicies.Admin).WithName("putIntegration")
            .WithSummary("Creates or replaces an integration. Credentials are stored encrypted and never shown again.");
        return routes;
    }

    private static async Task<Ok<List<IntegrationResponse>>> ListAsync(IIntegrationStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(IntegrationResponse.From).ToList());

    private static async Task<Results<Ok<IntegrationResponse>, ValidationProblem, NotFoundProblem>> GetAsync(string serviceName, IIntegrationStore store, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var name = ServiceName(serviceName, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await store.FindAsync(name, cancellationToken) is { } record
            ? TypedResults.Ok(IntegrationResponse.From(record))
            : Problems.NotFound("No such integration.", $"There is no integration '{name}'.");
    }

    private static async Task<Results<Ok<IntegrationResponse>, Created<IntegrationResponse>, ValidationProblem>> PutAsync(
        string serviceName, PutIntegrationRequest request, ClaimsPrincipal user, IIntegrationStore store, IntegrationCredentials credentials,
        IAuditLog audit, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var name = ServiceName(serviceName, errors);
        var category = request.Category?.Trim();
        errors.Check(category is null || Label().IsMatch(category), "category", "Up to 100 letters, digits, spaces, '-' or '_', e.g. \"payments\".")
            .Check(request.Connected is not null, "connected", "Say whether the integration is connected (true or false).");
        var settings = Settings(request.Settings, errors);
        var secrets = Credentials(request.Credentials, errors);
        if (name == SmtpSettings.ServiceName && errors.IsEmpty)
        {
            SmtpSettings.Validate(settings, secrets?.Keys, errors);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var stored = secrets is null ? null : credentials.Protect(secrets);
        var (record, created) = await store.UpsertAsync(
            new IntegrationUpdate(name, string.IsNullOrEmpty(category) ? null : category, request.Connected!.Value, settings, stored), cancellationToken);
        await audit.RecordAsync(new AuditEntry(created ? "integrations.created" : "integrations.updated", Callers.Id(user),
            $"Integration {name} was {(created ? "created" : "updated")}{(stored is null ? "" : ", with new credentials")}.")
        {
            Severity = stored is null ? AuditSeverity.Info : AuditSeverity.Warning,
            Details = new Dictionary<string, object?>
            {
                ["serviceName"] = name,
                ["connected"] = record.Connected,
                ["credentialsReplaced"] = stored is not null,
                ["credentialNames"] = record.Credentials.Names,
            },
        });
        var response = IntegrationResponse.From(record);
        return created ? TypedResults.Created($"/api/integrations/{name}", response) : TypedResults.Ok(response);
    }

    /// <summary>Service names are identifiers ("stripe", "shopify"), compared in lower case.</summary>
    private static string ServiceName(string value, FieldErrors errors)
    {
        errors.Check(Identifier().IsMatch(value), "serviceName", "1 to 100 letters, digits, '.', '-' or '_', starting with a letter or digit.");
        return value.ToLowerInvariant();
    }

    private static string Settings(JsonElement? settings, FieldErrors errors)
    {
        if (settings is not { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } value)
        {
            return "{}";
        }

        var json = value.GetRawText();
        // PostgreSQL's jsonb cannot hold the NUL character.
        errors.Check(value.ValueKind == JsonValueKind.Object, "settings", "A JSON object.")
            .Check(json.Length <= MaxSettingsBytes, "settings", $"At most {MaxSettingsBytes} characters of JSON.")
            .Check(!json.Contains("\\u0000", StringComparison.OrdinalIgnoreCase), "settings", "May not contain the NUL character.");
        return json;
    }

    private static Dictionary<string, string>? Credentials(Dictionary<string, string?>? credentials, FieldErrors errors)
    {
        if (credentials is null)
        {
            return null;
        }

        errors.Check(credentials.Count <= MaxCredentials, "credentials", $"At most {MaxCredentials} credentials.");
        foreach (var (name, secret) in credentials)
        {
            // The messages never repeat a value: it may be a secret.
            errors.Check(Identifier().IsMatch(name), "credentials", "Names are 1 to 100 letters, digits, '.', '-' or '_'.")
                .Check(secret is { Length: > 0 and <= MaxSecretLength } && !secret.Contains('\0'), $"credentials.{(Identifier().IsMatch(name) ? name : "?")}",
                    $"A value of 1 to {MaxSecretLength} characters is required.");
        }

        return errors.IsEmpty ? credentials.ToDictionary(entry => entry.Key, entry => entry.Value!, StringComparer.Ordinal) : null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9 _-]{0,99}\z")]
    private static partial Regex Label();
}
