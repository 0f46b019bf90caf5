namespace Misty.Web.Security;

public sealed record StaffAccount(Guid UserId, string Email, string PasswordHash, string FirstName, string LastName, string Role, bool Active);

public sealed record StorefrontKey(Guid ApiKeyId, string Name, string Scope);

/// <summary>Where staff accounts and storefront keys live: PostgreSQL, or memory in the embedded mode.</summary>
public interface ICredentialStore
{
    Task<StaffAccount?> FindUserByEmailAsync(string email, CancellationToken cancellationToken);
    Task<bool> AnyAdminAsync(CancellationToken cancellationToken);
    Task AddUserAsync(StaffAccount account, CancellationToken cancellationToken);
    Task RecordLoginAsync(Guid userId, DateTimeOffset at, CancellationToken cancellationToken);

    Task<StorefrontKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken);
    Task<bool> AnyApiKeyAsync(CancellationToken cancellationToken);
    Task AddApiKeyAsync(StorefrontKey key, string keyPrefix, byte[] keyHash, CancellationToken cancellationToken);
}
