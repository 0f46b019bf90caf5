namespace Misty.Web.Security;

/// <summary>
/// Lockout after repeated failed logins: <see cref="MaxFailures"/> consecutive wrong passwords lock the account for
/// <see cref="Duration"/>. The lock is temporary so that a stranger who knows an email cannot keep its owner out for
/// long; the login rate limit per client address slows the guessing itself.
/// </summary>
public sealed record LoginLockout(int MaxFailures, TimeSpan Duration)
{
    public static readonly LoginLockout Default = new(5, TimeSpan.FromMinutes(15));

    public static bool IsLocked(StaffAccount account, DateTimeOffset now) => account.LockedUntil > now;

    /// <summary>The failure count and lockout end after one more failure; locking restarts the count.</summary>
    public (int FailedLogins, DateTimeOffset? LockedUntil) AfterFailure(int failedLogins, DateTimeOffset? lockedUntil, DateTimeOffset at) =>
        failedLogins + 1 >= MaxFailures ? (0, at + Duration) : (failedLogins + 1, lockedUntil);
}
