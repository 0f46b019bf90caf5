using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Security;

/// <summary>Per-address exponential delays, a lockout that spares its owner, and equal work for unknown emails.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LoginThrottlingTests(PostgresFixture postgres)
{
    private const string Login = "/api/auth/login";
    private static readonly IPAddress Guesser = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Failed_logins_from_an_address_wait_exponentially_longer_while_other_addresses_log_in()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var throttle = new LoginThrottle(2, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10));
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder => builder.Services.AddSingleton(throttle));
        var (_, email) = await node.AddStaffMemberAsync(StaffRoles.Staff);
        using var guesser = node.CreateClientFrom(Guesser);

        // Two free failures (an unknown email counts as much as a wrong password); the third blocks the address.
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.PostAsJsonAsync(Login, new { email = "nobody@test.misty", password = "guess one" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.PostAsJsonAsync(Login, new { email, password = "guess two" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.PostAsJsonAsync(Login, new { email, password = "guess three" })).StatusCode);
        Assert.Equal(30, await BlockSecondsAsync(connectionString));

        var blocked = await guesser.PostAsJsonAsync(Login, new { email, password = StaffClients.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
        Assert.InRange(blocked.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        using (var problem = JsonDocument.Parse(await blocked.Content.ReadAsStringAsync()))
        {
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        }

        // Refused before the password check: the right password did not log in, and the wait did not count as a failure.
        Assert.Equal(3, await TestSql.ScalarAsync<int>(connectionString, "SELECT failures FROM login_throttles"));
        // Another address is not slowed, and the account itself is not locked: its owner logs in.
        using var owner = await node.LoginAsync(email, StaffClients.Password);

        // Each further failure after a wait doubles it, up to the cap.
        var waits = new List<int>();
        for (var failure = 0; failure < 3; failure++)
        {
            await TestSql.ExecuteAsync(connectionString, "UPDATE login_throttles SET blocked_until = now() - interval '1 second'");
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.PostAsJsonAsync(Login, new { email, password = $"guess {failure}" })).StatusCode);
            waits.Add(await BlockSecondsAsync(connectionString));
        }

        Assert.Equal([60, 120, 120], waits);
        var refusal = (await TestSql.AuditRowsAsync(connectionString, "auth.login_failed"))[^1];
        Assert.Equal(("127.0.0.2", true), (refusal.Detail("ip"), refusal.Detail("addressBlockedUntil") is not null));

        // A success from the address forgets its failures.
        await TestSql.ExecuteAsync(connectionString, "UPDATE login_throttles SET blocked_until = now() - interval '1 second'");
        Assert.Equal(HttpStatusCode.OK, (await guesser.PostAsJsonAsync(Login, new { email, password = StaffClients.Password })).StatusCode);
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM login_throttles"));
    }

    [Fact]
    public async Task The_lockout_keeps_a_guesser_out_but_its_owner_passes_it_from_an_address_the_account_logged_in_from()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var (userId, email) = await node.AddStaffMemberAsync(StaffRoles.Manager);
        using var _ = await node.LoginAsync(email, StaffClients.Password);
        using var guesser = node.CreateClientFrom(Guesser);

        for (var attempt = 0; attempt < LoginLockout.Default.MaxFailures; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.PostAsJsonAsync(Login, new { email, password = $"guess {attempt}" })).StatusCode);
        }

        Assert.True(await TestSql.ScalarAsync<bool>(connectionString, "SELECT locked_until > now() FROM users WHERE user_id = @id", ("id", userId)));
        // A guesser who finds the password during the lock is still refused, with the same answer as any failure ...
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.PostAsJsonAsync(Login, new { email, password = StaffClients.Password })).StatusCode);
        Assert.Equal("locked", (await TestSql.AuditRowsAsync(connectionString, "auth.login_failed"))[^1].Detail("reason"));
        // ... while the owner, on the address the account logged in from before, is not kept out.
        using var owner = await node.LoginAsync(email, StaffClients.Password);
        Assert.Equal(
            "1 127.0.0.1",
            await TestSql.ScalarAsync<string>(connectionString,
                "SELECT count(*) || ' ' || string_agg(address, ',') FROM login_known_addresses WHERE user_id = @id", ("id", userId)));
    }

    [Fact]
    public async Task An_unknown_email_gets_the_same_answer_and_the_same_write_as_a_wrong_password()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var (userId, email) = await node.AddStaffMemberAsync(StaffRoles.Staff);
        using var guesser = node.CreateClientFrom(Guesser);

        var unknown = await guesser.PostAsJsonAsync(Login, new { email = "nobody@test.misty", password = "a guess at all" });
        Assert.Equal(1, await TestSql.ScalarAsync<int>(connectionString, "SELECT failures FROM login_throttles WHERE address = '127.0.0.2'"));
        var wrong = await guesser.PostAsJsonAsync(Login, new { email, password = "a guess at all" });
        Assert.Equal(2, await TestSql.ScalarAsync<int>(connectionString, "SELECT failures FROM login_throttles WHERE address = '127.0.0.2'"));
        Assert.Equal(1, await TestSql.ScalarAsync<int>(connectionString, "SELECT failed_logins FROM users WHERE user_id = @id", ("id", userId)));

        Assert.Equal((unknown.StatusCode, unknown.Content.Headers.ContentType?.MediaType), (wrong.StatusCode, wrong.Content.Headers.ContentType?.MediaType));
        Assert.Equal(await ProblemTextAsync(unknown), await ProblemTextAsync(wrong));
    }

    private static Task<int> BlockSecondsAsync(string connectionString) =>
        TestSql.ScalarAsync<int>(connectionString, "SELECT extract(epoch FROM blocked_until - last_failure)::int FROM login_throttles WHERE address = '127.0.0.2'");

    private static async Task<string> ProblemTextAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = problem.RootElement;
        return $"{root.GetProperty("status")} {root.GetProperty("title")} {root.GetProperty("detail")}";
    }
}
