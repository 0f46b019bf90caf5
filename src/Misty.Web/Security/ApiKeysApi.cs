using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Audit;
using Misty.Web.Api;

namespace Misty.Web.Security;

/// <summary>
/// Storefront keys, managed by admins. Rotation: create a new key, give it to the shop, then revoke the old one; a
/// revoked key is refused from its next request on.
/// </summary>
public static partial class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/api-keys").WithTags("API keys").RequireAuthorization(MistyPolicies.Admin);
        keys.MapGet("", ListAsync).WithName("listApiKeys").WithSummary("Every storefront key, revoked ones included, without the keys themselves.");
        keys.MapPost("", CreateAsync).WithName("createApiKey").WithSummary("Creates a storefront key; the answer is the only time the key is shown.");
        keys.MapDelete("/{apiKeyId:guid}", RevokeAsync).WithName("revokeApiKey").WithSummary("Revokes a storefront key (it stays listed, with revokedAt).");
        return routes;
    }

    private static async Task<Ok<List<ApiKeyResponse>>> ListAsync(ICredentialStore credentials, CancellationToken cancellationToken) =>
        TypedResults.Ok((await credentials.ListApiKeysAsync(cancellationToken)).Select(ApiKeyResponse.From).ToList());

    private static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> CreateAsync(
        CreateApiKeyRequest request, ClaimsPrincipal user, ICredentialStore credentials, IAuditLog audit, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        var kind = request.Kind?.Trim().ToLowerInvariant();
        var errors = new FieldErrors().Check(name is not null && KeyName().IsMatch(name), "name",
                "Required: up to 100 letters, digits, spaces, '.', '-' or '_', e.g. \"shop 2025\".")
            .Check(kind is not null && StorefrontKeyKinds.All.Contains(kind), "kind",
                "Required: \"public\" (safe in a browser; a customer's data only with their X-Customer-Token) or \"server\" (the site's backend).");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var key = StorefrontKeys.Generate();
        var record = await credentials.AddApiKeyAsync(new StorefrontKey(Guid.NewGuid(), name!, ApiKeyAuthenticationHandler.StorefrontCaller, kind!),
            StorefrontKeys.PrefixOf(key), ApiKeyAuthenticationHandler.Hash(key), cancellationToken);
        await audit.RecordAsync(new AuditEntry("api_keys.created", Callers.Id(user), $"Storefront {record.Kind} key '{record.Name}' ({record.KeyPrefix}…) was created.")
        {
            Severity = AuditSeverity.Warning,
            Details = new Dictionary<string, object?> { ["apiKeyId"] = record.ApiKeyId, ["keyPrefix"] = record.KeyPrefix, ["kind"] = record.Kind },
        });
        return TypedResults.Created($"/api/api-keys/{record.ApiKeyId}",
            new CreatedApiKeyResponse(record.ApiKeyId, record.Name, record.KeyPrefix, record.Scope, record.Kind, record.CreatedAt, key));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, NotFoundProblem>> RevokeAsync(
        Guid apiKeyId, ClaimsPrincipal user, ICredentialStore credentials, StorefrontKeyLookup keys, IAuditLog audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await credentials.RevokeApiKeyAsync(apiKeyId, clock.GetUtcNow(), cancellationToken) is not { } record)
        {
            return Problems.NotFound("No such API key.", $"There is no API key {apiKeyId}.");
        }

        keys.ForgetAll();

        await audit.RecordAsync(new AuditEntry("api_keys.revoked", Callers.Id(user), $"Storefront key '{record.Name}' ({record.KeyPrefix}…) was revoked.")
        {
            Severity = AuditSeverity.Warning,
            Details = new Dictionary<string, object?> { ["apiKeyId"] = record.ApiKeyId, ["keyPrefix"] = record.KeyPrefix },
        });
        return TypedResults.Ok(ApiKeyResponse.From(record));
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}\z")]
    private static partial Regex KeyName();
}
