using Microsoft.AspNetCore.Identity;

namespace Misty.Web.Security;

/// <summary>Why a login is refused (the audit row's reason), or null when it succeeds.</summary>
public sealed record LoginVerdict(string? Refusal, PasswordVerificationResult Verification);

/// <summary>
/// The password check of a login. It verifies exactly one password hash whatever the email names (an account, an
/// account without a password, nothing), against a decoy made by the same hasher when there is no usable hash, so the
/// work, hence the time, does not tell a guesser which emails have accounts.
/// </summary>
public sealed class LoginCheck(IPasswordHasher<StaffAccount> hasher)
{
    private static readonly StaffAccount Decoy = new(Guid.Empty, "", "", "", "", StaffRoles.Staff, false);

    // Made by the injected hasher, so it has the same algorithm and iteration count as every account's hash.
    private readonly Lazy<string> _decoyHash = new(() => hasher.HashPassword(Decoy, Guid.NewGuid().ToString()));

    /// <param name="standing">The account the email names (if any), and whether it has logged in from this address.</param>
    public LoginVerdict Check(LoginStanding standing, string password, DateTimeOffset now)
    {
        var account = standing.Account;
        var usable = account is { HasPassword: true };
        var verification = hasher.VerifyHashedPassword(usable ? account! : Decoy, usable ? account!.PasswordHash : _decoyHash.Value, password);
        var refusal = account switch
        {
            null => "unknown_account",
            { HasPassword: false } => "no_password",
            // The lockout keeps guessers out, not the owner: an address the account has logged in from passes it.
            _ when LoginLockout.IsLocked(account, now) && !standing.KnownAddress => "locked",
            _ when verification == PasswordVerificationResult.Failed => "wrong_password",
            { Active: false } => "inactive",
            _ => null,
        };
        return new LoginVerdict(refusal, verification);
    }
}
