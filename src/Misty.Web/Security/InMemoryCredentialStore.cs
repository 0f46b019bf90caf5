using System.Collections.Concurrent;

namespace Misty.Web.Security;

/// <summary>The embedded mode's credentials: gone when the process stops, like the rest of its state.</summary>
public sealed class InMemoryCredentialStore : ICredentialStore
{
    private readonly ConcurrentDictionary<string, StaffAccount> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, StorefrontKey> _keys = new(StringComparer.Ordinal);

    public Task<StaffAccount?> FindUserByEmailAsync(string email, CancellationToken cancellationToken) =>
        Task.FromResult(_users.GetValueOrDefault(email));

    public Task<bool> AnyAdminAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_users.Values.Any(user => user.Role == StaffRoles.Admin));

    public Task AddUserAsync(StaffAccount account, CancellationToken cancellationToken)
    {
        _users[account.Email] = account;
        return Task.CompletedTask;
    }

    public Task RecordLoginAsync(Guid userId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<StorefrontKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.GetValueOrDefault(Convert.ToHexString(keyHash)));

    public Task<bool> AnyApiKeyAsync(CancellationToken cancellationToken) => Task.FromResult(!_keys.IsEmpty);

    public Task AddApiKeyAsync(StorefrontKey key, string keyPrefix, byte[] keyHash, CancellationToken cancellationToken)
    {
        _keys[Convert.ToHexString(keyHash)] = key;
        return Task.CompletedTask;
    }
}
