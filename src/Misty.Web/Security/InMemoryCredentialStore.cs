namespace Misty.Web.Security;

/// <summary>The embedded mode's credentials: gone when the process stops, like the rest of its state.</summary>
public sealed class InMemoryCredentialStore(TimeProvider clock) : ICredentialStore
{
    // One lock for everything: the embedded mode has a handful of accounts and keys, and changes must be atomic.
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, StaffAccount> _users = [];
    private readonly Dictionary<Guid, int> _failedLogins = [];
    private readonly Dictionary<string, StorefrontKey> _keysByHash = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, ApiKeyRecord> _keys = [];
    private readonly Dictionary<Guid, Guid> _customerTokenStamps = [];
    private readonly Dictionary<string, (int Failures, DateTimeOffset BlockedUntil, DateTimeOffset LastFailure)> _throttles = new(StringComparer.Ordinal);
    private readonly HashSet<(Guid UserId, string Address)> _knownAddresses = [];

    public Task<LoginStanding> FindLoginStandingAsync(string email, string address, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var account = _users.Values.FirstOrDefault(user => string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase));
            return Task.FromResult(new LoginStanding(account, _throttles.TryGetValue(address, out var throttle) ? throttle.BlockedUntil : null,
                account is not null && _knownAddresses.Contains((account.UserId, address))));
        }
    }

    public Task<StaffAccount?> FindUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_users.GetValueOrDefault(userId));
        }
    }

    public Task<IReadOnlyList<StaffAccount>> ListUsersAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StaffAccount>>(
                [.. _users.Values.OrderBy(user => user.Email, StringComparer.OrdinalIgnoreCase)]);
        }
    }

    public Task<bool> AnyAdminAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_users.Values.Any(user => user.Role == StaffRoles.Admin));
        }
    }

    public Task<bool> AddUserAsync(StaffAccount account, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_users.Values.Any(user => string.Equals(user.Email, account.Email, StringComparison.OrdinalIgnoreCase)))
            {
                return Task.FromResult(false);
            }

            _users[account.UserId] = account with { CreatedAt = clock.GetUtcNow(), SecurityStamp = Guid.NewGuid() };
            return Task.FromResult(true);
        }
    }

    public Task<StaffChangeOutcome> UpdateUserAsync(Guid userId, StaffAccountChange change, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var before))
            {
                return Task.FromResult(new StaffChangeOutcome(StaffChangeStatus.NotFound));
            }

            var after = change.ApplyTo(before);
            if (StaffAccountChange.RemovesAdmin(before, after) && !_users.Values.Any(user => user.UserId != userId && user.IsActiveAdmin))
            {
                return Task.FromResult(new StaffChangeOutcome(StaffChangeStatus.LastAdmin, before));
            }

            _users[userId] = after;
            if (change.PasswordHash is not null)
            {
                _failedLogins.Remove(userId);
            }

            return Task.FromResult(new StaffChangeOutcome(StaffChangeStatus.Updated, before, after));
        }
    }

    public Task RecordLoginAsync(Guid userId, string address, DateTimeOffset at, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(userId, out var account))
            {
                _users[userId] = account with { LastLogin = at, LockedUntil = null };
                _failedLogins.Remove(userId);
                _knownAddresses.Add((userId, address));
            }

            _throttles.Remove(address);
            return Task.CompletedTask;
        }
    }

    public Task<LoginFailure> RecordFailedLoginAsync(
        Guid? wrongPasswordFor, string address, DateTimeOffset at, LoginLockout lockout, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            DateTimeOffset? lockedUntil = null;
            if (wrongPasswordFor is { } userId && _users.TryGetValue(userId, out var account))
            {
                (var failedLogins, lockedUntil) = lockout.AfterFailure(_failedLogins.GetValueOrDefault(userId), account.LockedUntil, at);
                _failedLogins[userId] = failedLogins;
                _users[userId] = account with { LockedUntil = lockedUntil };
            }

            var (failures, blockedUntil) = _throttles.TryGetValue(address, out var before)
                ? throttle.AfterFailure(before.Failures, before.LastFailure, at)
                : throttle.AfterFailure(0, null, at);
            _throttles[address] = (failures, blockedUntil, at);
            return Task.FromResult(new LoginFailure(lockedUntil, blockedUntil));
        }
    }

    public Task<StorefrontKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_keysByHash.TryGetValue(Convert.ToHexString(keyHash), out var key) && _keys[key.ApiKeyId].RevokedAt is null
                ? key
                : null);
        }
    }

    public Task<bool> AnyApiKeyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_keys.Count > 0);
        }
    }

    public Task<ApiKeyRecord> AddApiKeyAsync(StorefrontKey key, string keyPrefix, byte[] keyHash, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var record = new ApiKeyRecord(key.ApiKeyId, key.Name, keyPrefix, key.Scope, key.Kind, clock.GetUtcNow(), null);
            _keysByHash.Add(Convert.ToHexString(keyHash), key);
            _keys.Add(key.ApiKeyId, record);
            return Task.FromResult(record);
        }
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ApiKeyRecord>>([.. _keys.Values.OrderBy(key => key.CreatedAt)]);
        }
    }

    public Task<ApiKeyRecord?> RevokeApiKeyAsync(Guid apiKeyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_keys.TryGetValue(apiKeyId, out var record))
            {
                return Task.FromResult<ApiKeyRecord?>(null);
            }

            _keys[apiKeyId] = record = record with { RevokedAt = record.RevokedAt ?? at };
            return Task.FromResult<ApiKeyRecord?>(record);
        }
    }

    public Task<bool> RenewSecurityStampAsync(Guid userId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var account))
            {
                return Task.FromResult(false);
            }

            _users[userId] = account with { SecurityStamp = Guid.NewGuid() };
            return Task.FromResult(true);
        }
    }

    public Task<Guid> FindCustomerTokenStampAsync(Guid customerId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_customerTokenStamps.GetValueOrDefault(customerId));
        }
    }

    public Task RenewCustomerTokenStampAsync(Guid customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _customerTokenStamps[customerId] = Guid.NewGuid();
            return Task.CompletedTask;
        }
    }
}
