using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Misty.Grains.Hosting;
using Misty.Web.Security;

namespace Misty.Tests.Security;

/// <summary>The pure rules: lockout counting, account changes and the last-admin guard, who may see a customer.</summary>
[Trait("Category", "Unit")]
public sealed class SecurityRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly StaffAccount Admin = new(Guid.NewGuid(), "a@test.misty", "hash", "Ada", "Admin", StaffRoles.Admin, true);

    [Fact]
    public void The_fifth_consecutive_failure_locks_for_the_duration_and_restarts_the_count()
    {
        var lockout = new LoginLockout(5, TimeSpan.FromMinutes(15));
        (int Failed, DateTimeOffset? LockedUntil) state = (0, null);
        for (var failure = 1; failure <= 4; failure++)
        {
            state = lockout.AfterFailure(state.Failed, state.LockedUntil, Now);
            Assert.Equal((failure, (DateTimeOffset?)null), state);
        }

        state = lockout.AfterFailure(state.Failed, state.LockedUntil, Now);
        Assert.Equal((0, (DateTimeOffset?)Now.AddMinutes(15)), state);
        Assert.True(LoginLockout.IsLocked(Admin with { LockedUntil = state.LockedUntil }, Now.AddMinutes(14)));
        Assert.False(LoginLockout.IsLocked(Admin with { LockedUntil = state.LockedUntil }, Now.AddMinutes(15)));
        Assert.False(LoginLockout.IsLocked(Admin, Now));
    }

    [Fact]
    public void A_change_keeps_what_it_does_not_name_and_a_password_reset_lifts_a_lockout()
    {
        var locked = Admin with { LockedUntil = Now.AddMinutes(5) };

        var renamed = new StaffAccountChange("Grace", null, null, null, null).ApplyTo(locked);
        Assert.Equal(locked with { FirstName = "Grace" }, renamed);

        var reset = new StaffAccountChange(null, null, null, null, "new-hash").ApplyTo(locked);
        Assert.Equal("new-hash", reset.PasswordHash);
        Assert.Null(reset.LockedUntil);
    }

    [Theory]
    [InlineData(StaffRoles.Manager, true, true)]
    [InlineData(null, false, true)]
    [InlineData(StaffRoles.Admin, true, false)]
    [InlineData(null, null, false)]
    public void Only_demoting_or_deactivating_an_active_admin_removes_an_admin(string? role, bool? active, bool removes)
    {
        var after = new StaffAccountChange(null, null, role, active, null).ApplyTo(Admin);
        Assert.Equal(removes, StaffAccountChange.RemovesAdmin(Admin, after));
        // An inactive admin was not one of the admins that count.
        Assert.False(StaffAccountChange.RemovesAdmin(Admin with { Active = false }, after with { Active = false }));
    }

    [Fact]
    public void Customers_data_goes_to_staff_and_to_that_customer_only()
    {
        var customerId = Guid.NewGuid();
        var staff = Principal(new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), new Claim(ClaimTypes.Role, StaffRoles.Staff));
        var storefront = Principal(new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()),
            new Claim(ApiKeyAuthenticationHandler.CallerClaim, ApiKeyAuthenticationHandler.StorefrontCaller));
        var owner = Principal(new Claim(Callers.CustomerClaim, customerId.ToString()));
        var otherCustomer = Principal(new Claim(Callers.CustomerClaim, Guid.NewGuid().ToString()));

        Assert.True(Callers.MaySeeCustomer(staff, customerId));
        Assert.True(Callers.MaySeeCustomer(owner, customerId));
        Assert.False(Callers.MaySeeCustomer(storefront, customerId));
        Assert.False(Callers.MaySeeCustomer(otherCustomer, customerId));
        Assert.False(Callers.MaySeeCustomer(new ClaimsPrincipal(new ClaimsIdentity()), customerId));
    }

    [Fact]
    public void Generated_storefront_keys_are_unique_and_their_prefix_reveals_little()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => StorefrontKeys.Generate()).ToList();
        Assert.Equal(100, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, key =>
        {
            Assert.StartsWith("msk_", key, StringComparison.Ordinal);
            Assert.Equal(36, key.Length);
            Assert.Equal(key[..8], StorefrontKeys.PrefixOf(key));
        });
    }

    [Fact]
    public void Rate_limits_come_from_the_environment_or_the_Misty_section_and_bad_values_stop_the_start()
    {
        Assert.Equal(new RateLimitSettings(10, 10_000), RateLimitSettings.FromConfiguration(Configuration()));
        Assert.Equal(new RateLimitSettings(3, 50),
            RateLimitSettings.FromConfiguration(Configuration(("MISTY_LOGIN_RATE_LIMIT", "3"), ("Misty:StorefrontRateLimit", "50"))));
        foreach (var bad in new[] { "0", "-5", "ten", "1.5" })
        {
            var error = Assert.Throws<MistyConfigurationException>(() => RateLimitSettings.FromConfiguration(Configuration(("MISTY_STOREFRONT_RATE_LIMIT", bad))));
            Assert.Contains("MISTY_STOREFRONT_RATE_LIMIT", error.Message, StringComparison.Ordinal);
        }
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value))).Build();

    private static ClaimsPrincipal Principal(params Claim[] claims) => new(new ClaimsIdentity(claims, "test"));
}
