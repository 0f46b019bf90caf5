using Microsoft.AspNetCore.Identity;
using Misty.Web.Security;

namespace Misty.Tests.Security;

/// <summary>The pure login rules: the address throttle's delays, the password check's equal work, the password policy.</summary>
[Trait("Category", "Unit")]
public sealed class LoginRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_throttle_lets_a_few_failures_pass_then_doubles_the_wait_up_to_its_cap_and_forgets_old_failures()
    {
        var throttle = LoginThrottle.Default;
        Assert.All(Enumerable.Range(1, throttle.FreeFailures), failures => Assert.Equal(TimeSpan.Zero, throttle.DelayAfter(failures)));
        Assert.Equal(
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900],
            Enumerable.Range(throttle.FreeFailures + 1, 12).Select(failures => (int)throttle.DelayAfter(failures).TotalSeconds));
        Assert.Equal(throttle.MaxDelay, throttle.DelayAfter(int.MaxValue));
        // The store applies the same delays from this array, its last element standing for every later failure.
        var delays = throttle.Delays();
        Assert.Equal(Enumerable.Range(1, delays.Length).Select(throttle.DelayAfter), delays);
        Assert.Equal(throttle.MaxDelay, delays[^1]);

        var (failures, blockedUntil) = throttle.AfterFailure(throttle.FreeFailures, Now.AddMinutes(-5), Now);
        Assert.Equal((throttle.FreeFailures + 1, Now.AddSeconds(1)), (failures, blockedUntil));
        Assert.Equal((1, Now), throttle.AfterFailure(40, Now - throttle.ForgetAfter, Now));
        Assert.True(LoginThrottle.IsBlocked(blockedUntil, Now, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.False(LoginThrottle.IsBlocked(blockedUntil, blockedUntil, out _));
    }

    [Fact]
    public void Every_login_verifies_exactly_one_hash_of_the_same_kind_whatever_the_email_names()
    {
        var hasher = new RecordingHasher();
        var check = new LoginCheck(hasher);
        var account = new StaffAccount(Guid.NewGuid(), "ada@test.misty", "", "Ada", "Admin", StaffRoles.Admin, true);
        account = account with { PasswordHash = hasher.HashPassword(account, "the right passphrase") };
        var system = account with { UserId = Guid.NewGuid(), PasswordHash = "", Role = StaffRoles.System };

        var outcomes = new[]
        {
            (new LoginStanding(null, null, false), "a guess at all"),
            (new LoginStanding(system, null, false), "a guess at all"),
            (new LoginStanding(account, null, false), "a guess at all"),
            (new LoginStanding(account with { LockedUntil = Now.AddMinutes(5) }, null, false), "the right passphrase"),
            (new LoginStanding(account, null, false), "the right passphrase"),
        }.Select(attempt =>
        {
            hasher.Verified.Clear();
            var verdict = check.Check(attempt.Item1, attempt.Item2, Now);
            return (verdict.Refusal, Verified: hasher.Verified.ToList());
        }).ToList();

        Assert.Equal(["unknown_account", "no_password", "wrong_password", "locked", null], outcomes.Select(outcome => outcome.Refusal));
        // One verification each, against a hash made with the same algorithm, pseudo-random function, iteration count
        // and salt length as a real account's: the work is the same.
        Assert.All(outcomes, outcome => Assert.Equal(Header(account.PasswordHash), Header(Assert.Single(outcome.Verified))));
        Assert.Equal(outcomes[0].Verified, outcomes[1].Verified);
        // A locked account passes its lockout on an address it logged in from.
        Assert.Null(check.Check(new LoginStanding(account with { LockedUntil = Now.AddMinutes(5) }, null, true), "the right passphrase", Now).Refusal);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaa", "predictable")]
    [InlineData("abababababab", "predictable")]
    [InlineData("abcdefghijklm", "predictable")]
    [InlineData("1234567890123", "predictable")]
    [InlineData("zyxwvutsrqpo", "predictable")]
    [InlineData("Password2024!", "common")]
    [InlineData("P@ssw0rd12345", "common")]
    [InlineData("$ummer2024!!", "common")]
    [InlineData("passwordpassword", "common")]
    [InlineData("iloveyou1234", "common")]
    [InlineData("qwertyuiop[]", "common")]
    [InlineData("1q2w3e4r5t6y", "common")]
    [InlineData("Vinyl Records 1", "common")]
    [InlineData("short one", "characters")]
    [InlineData("            ", "characters")]
    [InlineData("grace.hopper rules 77", "email or name")]
    [InlineData("my name is Lovelace!", "email or name")]
    public void Weak_passwords_are_refused_with_a_reason_that_does_not_repeat_them(string password, string reason)
    {
        var refusal = PasswordPolicy.Default.Check(password, "grace.hopper@test.misty", "Ada", "Lovelace");
        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(password, refusal, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("a long enough test password")]
    [InlineData("crackle hiss and a warm bassline")]
    [InlineData("tr0mbone-Quartz-91")]
    [InlineData("another long passphrase 42")]
    public void Passwords_that_are_long_varied_and_uncommon_pass(string password) =>
        Assert.Null(PasswordPolicy.Default.Check(password, "grace.hopper@test.misty", "Ada", "Lovelace"));

    [Fact]
    public void The_packaged_list_is_loaded_from_the_assembly() =>
        Assert.InRange(PasswordPolicy.Default.CommonPasswordCount, 800, 100_000);

    /// <summary>Identity's v3 hash header: format marker, PRF, iteration count, salt length (13 bytes).</summary>
    private static string Header(string hash) => Convert.ToHexString(Convert.FromBase64String(hash).AsSpan(0, 13));

    /// <summary>Identity's own hasher, noting which hashes it verified.</summary>
    private sealed class RecordingHasher : IPasswordHasher<StaffAccount>
    {
        private readonly PasswordHasher<StaffAccount> _inner = new();

        public List<string> Verified { get; } = [];

        public string HashPassword(StaffAccount user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(StaffAccount user, string hashedPassword, string providedPassword)
        {
            Verified.Add(hashedPassword);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
