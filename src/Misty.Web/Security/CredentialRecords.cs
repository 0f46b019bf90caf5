namespace Misty.Web.Security;

/// <param name="PasswordHash">Identity's password hash; empty for a system account, which cannot log in with a password.</param>
public sealed record StaffAccount(Guid UserId, string Email, string PasswordHash, string FirstName, string LastName, string Role, bool Active)
{
    /// <summary>Password logins are refused until then, after repeated failures; null or past when not locked.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    public DateTimeOffset? LastLogin { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Bearer tokens carry the stamp they were issued under and die when it changes (<see cref="StaffSessions"/>).</summary>
    public Guid SecurityStamp { get; init; }

    public bool HasPassword => PasswordHash.Length > 0;

    public bool IsActiveAdmin => Active && Role == StaffRoles.Admin;
}

/// <summary>An admin's change to an account; null members stay as they are.</summary>
/// <param name="PasswordHash">A new hash (a password reset), which also lifts a lockout.</param>
public sealed record StaffAccountChange(string? FirstName, string? LastName, string? Role, bool? Active, string? PasswordHash)
{
    public StaffAccount ApplyTo(StaffAccount account) => account with
    {
        FirstName = FirstName ?? account.FirstName,
        LastName = LastName ?? account.LastName,
        Role = Role ?? account.Role,
        Active = Active ?? account.Active,
        PasswordHash = PasswordHash ?? account.PasswordHash,
        LockedUntil = PasswordHash is null ? account.LockedUntil : null,
        SecurityStamp = EndsSessions(account) ? Guid.NewGuid() : account.SecurityStamp,
    };

    /// <summary>A new password, role or active flag ends every token issued before it.</summary>
    public bool EndsSessions(StaffAccount account) =>
        PasswordHash is not null || (Role is not null && Role != account.Role) || (Active is not null && Active != account.Active);

    /// <summary>True when the change would leave the store without an active admin, were this account the last one.</summary>
    public static bool RemovesAdmin(StaffAccount before, StaffAccount after) => before.IsActiveAdmin && !after.IsActiveAdmin;
}

public enum StaffChangeStatus
{
    Updated,
    NotFound,
    /// <summary>Refused: it would demote or deactivate the last active admin, and nobody could manage accounts.</summary>
    LastAdmin,
}

public sealed record StaffChangeOutcome(StaffChangeStatus Status, StaffAccount? Before = null, StaffAccount? After = null);

/// <param name="Kind"><see cref="StorefrontKeyKinds.Public"/> or <see cref="StorefrontKeyKinds.Server"/>.</param>
public sealed record StorefrontKey(Guid ApiKeyId, string Name, string Scope, string Kind);

/// <summary>A storefront key as admins see it: never the key itself, which only its creator saw, once.</summary>
public sealed record ApiKeyRecord(
    Guid ApiKeyId, string Name, string KeyPrefix, string Scope, string Kind, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <param name="Account">The account the email names, or null.</param>
/// <param name="AddressBlockedUntil">Logins from the client address wait until then (<see cref="LoginThrottle"/>).</param>
/// <param name="KnownAddress">The account has logged in from this address before: its lockout does not apply here.</param>
public sealed record LoginStanding(StaffAccount? Account, DateTimeOffset? AddressBlockedUntil, bool KnownAddress);

/// <param name="LockedUntil">The account's lockout end after this failure; null when no account counted it or it is not locked.</param>
/// <param name="AddressBlockedUntil">The client address waits until then (this failure's time when it need not wait).</param>
public sealed record LoginFailure(DateTimeOffset? LockedUntil, DateTimeOffset AddressBlockedUntil);

/// <summary>Where staff accounts and storefront keys live.</summary>
public interface ICredentialStore
{
    /// <summary>What a login needs to know, in one read whether or not the email names an account.</summary>
    Task<LoginStanding> FindLoginStandingAsync(string email, string address, CancellationToken cancellationToken);

    Task<StaffAccount?> FindUserAsync(Guid userId, CancellationToken cancellationToken);
    Task<IReadOnlyList<StaffAccount>> ListUsersAsync(CancellationToken cancellationToken);
    Task<bool> AnyAdminAsync(CancellationToken cancellationToken);

    /// <returns>False, writing nothing, when another account has the email (whatever its case).</returns>
    Task<bool> AddUserAsync(StaffAccount account, CancellationToken cancellationToken);

    /// <summary>Applies the change atomically, refusing one that would remove the last active admin.</summary>
    Task<StaffChangeOutcome> UpdateUserAsync(Guid userId, StaffAccountChange change, CancellationToken cancellationToken);

    /// <summary>
    /// A successful login: records last_login, clears the account's failure count and lockout, remembers the address
    /// as one the account logs in from, and forgets the address's failures (and those <paramref name="throttle"/> forgot).
    /// </summary>
    Task RecordLoginAsync(Guid userId, string address, DateTimeOffset at, LoginThrottle throttle, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a refused login atomically, in one write whether or not it names an account: against the address as
    /// <paramref name="throttle"/> says, and against the account <paramref name="wrongPasswordFor"/> (when its
    /// password was wrong) as <paramref name="lockout"/> says.
    /// </summary>
    Task<LoginFailure> RecordFailedLoginAsync(
        Guid? wrongPasswordFor, string address, DateTimeOffset at, LoginLockout lockout, LoginThrottle throttle, CancellationToken cancellationToken);

    Task<StorefrontKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken);

    /// <summary>Whether a key was ever created, revoked ones included: only the very first key is seeded from settings.</summary>
    Task<bool> AnyApiKeyAsync(CancellationToken cancellationToken);

    Task<ApiKeyRecord> AddApiKeyAsync(StorefrontKey key, string keyPrefix, byte[] keyHash, CancellationToken cancellationToken);
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken);

    /// <returns>The key, revoked (at its first revocation's time when it already was), or null when there is no such key.</returns>
    Task<ApiKeyRecord?> RevokeApiKeyAsync(Guid apiKeyId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Draws a new security stamp (a logout): every bearer token of the account issued before it dies.</summary>
    /// <returns>False when there is no such account.</returns>
    Task<bool> RenewSecurityStampAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>The stamp customer tokens of the customer must carry; <see cref="Guid.Empty"/> until the first revocation.</summary>
    Task<Guid> FindCustomerTokenStampAsync(Guid customerId, CancellationToken cancellationToken);

    /// <summary>Draws a new customer-token stamp: every token of the customer issued before it dies.</summary>
    Task RenewCustomerTokenStampAsync(Guid customerId, DateTimeOffset at, CancellationToken cancellationToken);
}
