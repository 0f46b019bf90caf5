using System.ComponentModel.DataAnnotations;
namespace Misty.Web.Security;

public sealed record CreateUserRequest(string? Email, string? Password, string? FirstName, string? LastName, string? Role);

/// <summary>The body of PATCH /api/users/{userId}: the members to change; at least one.</summary>
/// <param name="Password">A new password (an admin's reset), which also lifts a lockout.</param>
public sealed record UpdateUserRequest(string? FirstName, string? LastName, string? Role, bool? Active, string? Password);

/// <summary>A users row as admins see it, without its password hash.</summary>
/// <param name="LockedUntil">The end of a lockout after repeated failed logins; null when not locked.</param>
public sealed record UserResponse(
    Guid UserId, string Email, string FirstName, string LastName, string Role, bool Active, DateTimeOffset? LastLogin, DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt)
{
    public static UserResponse From(StaffAccount account, DateTimeOffset now) => new(account.UserId, account.Email, account.FirstName,
        account.LastName, account.Role, account.Active, account.LastLogin, LoginLockout.IsLocked(account, now) ? account.LockedUntil : null,
        account.CreatedAt);
}

/// <param name="Kind">"public" (safe in a browser) or "server" (the site's backend).</param>
public sealed record CreateApiKeyRequest(string? Name, string? Kind);

/// <summary>A storefront key without the key itself.</summary>
public sealed record ApiKeyResponse(Guid ApiKeyId, string Name, string KeyPrefix, string Scope, string Kind, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKeyRecord key) => new(key.ApiKeyId, key.Name, key.KeyPrefix, key.Scope, key.Kind, key.CreatedAt, key.RevokedAt);
}

/// <summary>The answer to creating a key: the only time the key itself is ever shown.</summary>
public sealed record CreatedApiKeyResponse(Guid ApiKeyId, string Name, string KeyPrefix, string Scope, string Kind, DateTimeOffset CreatedAt, string Key);

/// <param name="TtlSeconds">The token's lifetime, 60 to 3600 seconds; 900 when left out.</param>
public sealed record CreateCustomerTokenRequest([property: Required] Guid? CustomerId, int? TtlSeconds);

public sealed record CustomerTokenResponse(string CustomerToken, DateTimeOffset ExpiresAt);
