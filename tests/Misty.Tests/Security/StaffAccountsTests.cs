using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Security;

[Collection(PostgresCollection.Name)]
public sealed class StaffAccountsTests(PostgresFixture postgres)
{
    private const string Login = "/api/auth/login";

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_a_while_and_every_attempt_is_audited_without_the_password()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var (userId, email) = await node.AddStaffMemberAsync(StaffRoles.Staff);
        using var anonymous = node.CreateClient();

        for (var attempt = 0; attempt < LoginLockout.Default.MaxFailures; attempt++)
        {
            await AssertRefusedAsync(await anonymous.PostAsJsonAsync(Login, new { email, password = $"wrong guess {attempt}" }));
        }

        var lockedUntil = await TestSql.ScalarAsync<DateTime>(connectionString, "SELECT locked_until FROM users WHERE user_id = @id", ("id", userId));
        Assert.InRange(lockedUntil, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(16));
        // While locked, even the right password is refused, with the very same answer.
        await AssertRefusedAsync(await anonymous.PostAsJsonAsync(Login, new { email, password = StaffClients.Password }));

        await TestSql.ExecuteAsync(connectionString, "UPDATE users SET locked_until = now() - interval '1 second' WHERE user_id = @id", ("id", userId));
        using var member = await node.LoginAsync(email, StaffClients.Password);
        Assert.Equal(
            "0 true true",
            await TestSql.ScalarAsync<string>(connectionString,
                "SELECT failed_logins || ' ' || (locked_until IS NULL) || ' ' || (last_login > now() - interval '1 minute') FROM users WHERE user_id = @id",
                ("id", userId)));

        var refusals = await TestSql.AuditRowsAsync(connectionString, "auth.login_failed");
        Assert.Equal([.. Enumerable.Repeat("wrong_password", 5), "locked"], refusals.Select(row => row.Detail("reason")));
        Assert.All(refusals, row => Assert.Equal(("warning", userId.ToString(), email), (row.Level, row.Detail("userId"), row.Detail("email"))));
        Assert.Null(refusals[3].Detail("lockedUntil"));
        Assert.NotNull(refusals[4].Detail("lockedUntil"));
        var success = Assert.Single(await TestSql.AuditRowsAsync(connectionString, "auth.login"), row => row.Detail("userId") == userId.ToString());
        Assert.Equal(("info", $"user:{userId}", "127.0.0.1"), (success.Level, success.Detail("actor"), success.Detail("ip")));

        // An email that matches no account may be a password typed into the wrong field: it is not kept.
        await AssertRefusedAsync(await anonymous.PostAsJsonAsync(Login, new { email = "hunter2-typed-here", password = "whatever" }));
        var unknown = (await TestSql.AuditRowsAsync(connectionString, "auth.login_failed"))[^1];
        Assert.Equal(("unknown_account", null), (unknown.Detail("reason"), unknown.Detail("email")));
        var trail = await TestSql.AllSystemLogsAsync(connectionString);
        Assert.DoesNotContain("wrong guess", trail, StringComparison.Ordinal);
        Assert.DoesNotContain(StaffClients.Password, trail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", trail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_restarts_the_failure_count()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var (userId, email) = await node.AddStaffMemberAsync(StaffRoles.Manager);
        using var anonymous = node.CreateClient();

        for (var attempt = 0; attempt < 4; attempt++)
        {
            await AssertRefusedAsync(await anonymous.PostAsJsonAsync(Login, new { email, password = "nope" }));
        }

        using var _ = await node.LoginAsync(email, StaffClients.Password);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await AssertRefusedAsync(await anonymous.PostAsJsonAsync(Login, new { email, password = "nope" }));
        }

        Assert.Equal(4, await TestSql.ScalarAsync<int>(connectionString, "SELECT failed_logins FROM users WHERE user_id = @id", ("id", userId)));
        using var again = await node.LoginAsync(email, StaffClients.Password);
    }

    [Fact]
    public async Task An_admin_manages_accounts_and_role_changes_and_deactivation_apply_to_tokens_already_issued()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var adminId = await TestSql.ScalarAsync<Guid>(connectionString, "SELECT user_id FROM users WHERE email = @email", ("email", MistyWebNode.AdminEmail));
        var albumId = await TestAlbums.InsertAsync(connectionString, quantity: 10);

        var created = await admin.PostAsJsonAsync("/api/users",
            new { email = "Mia.Manager@test.misty", password = StaffClients.Password, firstName = "Mia", lastName = "O'Neill-Smith", role = "Manager" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mia = await created.Content.ReadFromJsonAsync<UserResponse>();
        Assert.Equal(("Mia.Manager@test.misty", "O'Neill-Smith", "manager", true, null), (mia!.Email, mia.LastName, mia.Role, mia.Active, mia.LastLogin));
        Assert.Equal($"/api/users/{mia.UserId}", created.Headers.Location?.OriginalString);
        Assert.DoesNotContain("password", await created.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        var listed = await admin.GetStringAsync("/api/users");
        Assert.Contains(mia.UserId.ToString(), listed, StringComparison.Ordinal);
        Assert.Contains(MistyWebNode.AdminEmail, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("AQAAAA", await TestSql.ScalarAsync<string>(connectionString, "SELECT password_hash FROM users WHERE user_id = @id", ("id", mia.UserId)),
            StringComparison.Ordinal);

        // Emails are matched without regard to case.
        using var manager = await node.LoginAsync("mia.manager@TEST.misty", StaffClients.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/users")).StatusCode);
        var adjusted = await manager.PostAsJsonAsync($"/api/inventory/{albumId}/adjust", new { delta = -1, reason = "cracked sleeve" });
        Assert.Equal(HttpStatusCode.OK, adjusted.StatusCode);
        var adjustment = Assert.Single(await TestSql.AuditRowsAsync(connectionString, "inventory.adjusted"));
        Assert.Equal((albumId.ToString(), "-1", "9", "cracked sleeve", $"user:{mia.UserId}"),
            (adjustment.Detail("albumId"), adjustment.Detail("delta"), adjustment.Detail("quantity"), adjustment.Detail("reason"), adjustment.Detail("actor")));

        var demoted = await admin.PatchAsJsonAsync($"/api/users/{mia.UserId}", new { role = "staff" });
        Assert.Equal("staff", (await demoted.Content.ReadFromJsonAsync<UserResponse>())!.Role);
        var roleChange = Assert.Single(await TestSql.AuditRowsAsync(connectionString, "users.role_changed"));
        Assert.Equal(("warning", "manager", "staff", $"user:{adminId}"),
            (roleChange.Level, roleChange.Detail("from"), roleChange.Detail("to"), roleChange.Detail("actor")));
        // A role change ends the tokens issued before it; a new login carries the new role's rights only.
        Assert.Equal(HttpStatusCode.Unauthorized, (await manager.GetAsync($"/api/inventory/{albumId}")).StatusCode);
        using var clerk = await node.LoginAsync(mia.Email, StaffClients.Password);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await clerk.PostAsJsonAsync($"/api/inventory/{albumId}/adjust", new { delta = -1, reason = "again" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clerk.GetAsync($"/api/inventory/{albumId}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/users/{mia.UserId}", new { active = false })).StatusCode);
        Assert.Single(await TestSql.AuditRowsAsync(connectionString, "users.deactivated"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await clerk.GetAsync($"/api/inventory/{albumId}")).StatusCode);
        await AssertRefusedAsync(await node.CreateClient().PostAsJsonAsync(Login, new { email = mia.Email, password = StaffClients.Password }));

        var reactivated = await admin.PatchAsJsonAsync($"/api/users/{mia.UserId}",
            new { active = true, firstName = "Mía", password = "a brand new passphrase" });
        var mía = await reactivated.Content.ReadFromJsonAsync<UserResponse>();
        Assert.Equal(("Mía", true), (mía!.FirstName, mía.Active));
        Assert.Single(await TestSql.AuditRowsAsync(connectionString, "users.reactivated"));
        Assert.Single(await TestSql.AuditRowsAsync(connectionString, "users.password_reset"));
        Assert.Single(await TestSql.AuditRowsAsync(connectionString, "users.renamed"));
        using var back = await node.LoginAsync(mia.Email, "a brand new passphrase");
        Assert.Equal(HttpStatusCode.OK, (await back.GetAsync($"/api/inventory/{albumId}")).StatusCode);
        // Reactivation does not revive the tokens issued before the deactivation.
        Assert.Equal(HttpStatusCode.Unauthorized, (await clerk.GetAsync($"/api/inventory/{albumId}")).StatusCode);
        Assert.DoesNotContain("brand new passphrase", await TestSql.AllSystemLogsAsync(connectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_account_fields_are_named_and_write_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        (string Field, object? Value)[] cases =
        [
            ("email", null), ("email", "not-an-email"), ("email", "two words@test.misty"), ("email", "Mia <mia@test.misty>"),
            ("email", new string('m', 320) + "@test.misty"),
            ("password", null), ("password", "too short"), ("password", "             "), ("password", new string('p', 1_025)),
            ("firstName", null), ("firstName", " "), ("firstName", "<script>alert(1)</script>"), ("firstName", "Robert'); DROP TABLE users;--"),
            ("lastName", new string('L', 101)), ("lastName", "a\u0000b"),
            ("role", null), ("role", "superuser"), ("role", "admin'--"),
        ];
        foreach (var (field, value) in cases)
        {
            var response = await admin.PostAsJsonAsync("/api/users", User(field, value));
            Assert.Equal([field], await ValidationErrorsAsync(response, $"{field} = {value}"));
        }

        Assert.Equal(["email", "firstName", "lastName", "password", "role"],
            (await ValidationErrorsAsync(await admin.PostAsJsonAsync("/api/users", new { }), "{}")).Order(StringComparer.Ordinal));
        Assert.Equal(["password"], await ValidationErrorsAsync(
            await admin.PostAsJsonAsync("/api/users", User("role", "system")), "system account with a password"));

        var taken = await admin.PostAsJsonAsync("/api/users", User("email", MistyWebNode.AdminEmail.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal("application/problem+json", taken.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM users"));

        var adminId = await TestSql.ScalarAsync<Guid>(connectionString, "SELECT user_id FROM users");
        Assert.Equal(["body"], await ValidationErrorsAsync(await admin.PatchAsJsonAsync($"/api/users/{adminId}", new { }), "empty change"));
        Assert.Equal(["role"], await ValidationErrorsAsync(await admin.PatchAsJsonAsync($"/api/users/{adminId}", new { role = "system" }), "to system"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PatchAsJsonAsync($"/api/users/{Guid.NewGuid()}", new { active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/users/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM system_logs WHERE source = 'audit' AND metadata->>'action' LIKE 'users.%'"));
    }

    [Fact]
    public async Task The_last_active_admin_cannot_be_demoted_or_deactivated()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var adminId = await TestSql.ScalarAsync<Guid>(connectionString, "SELECT user_id FROM users WHERE email = @email", ("email", MistyWebNode.AdminEmail));

        foreach (var change in new object[] { new { role = "manager" }, new { active = false } })
        {
            var refused = await admin.PatchAsJsonAsync($"/api/users/{adminId}", change);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        var second = await admin.PostAsJsonAsync("/api/users",
            new { email = "second.admin@test.misty", password = StaffClients.Password, firstName = "Second", lastName = "Admin", role = "admin" });
        var secondId = (await second.Content.ReadFromJsonAsync<UserResponse>())!.UserId;
        // Two admins demoting each other at once: exactly one wins (the other is refused as the last admin, or is no
        // longer an admin by the time it is authorized, or its token already ended with its role change: 401).
        using var secondAdmin = await node.LoginAsync("second.admin@test.misty", StaffClients.Password);
        var both = await Task.WhenAll(
            admin.PatchAsJsonAsync($"/api/users/{secondId}", new { role = "staff" }),
            secondAdmin.PatchAsJsonAsync($"/api/users/{adminId}", new { role = "staff" }));
        Assert.Single(both, response => response.StatusCode == HttpStatusCode.OK);
        Assert.Single(both, response => response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized);
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM users WHERE role = 'admin' AND active"));
    }

    [Fact]
    public async Task A_system_account_has_no_password_and_cannot_log_in()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();

        var created = await admin.PostAsJsonAsync("/api/users",
            new { email = "reorder-agent@test.misty", firstName = "Reorder", lastName = "Agent", role = "system" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(await TestSql.ScalarAsync<bool>(connectionString, "SELECT password_hash IS NULL FROM users WHERE email = 'reorder-agent@test.misty'"));

        await AssertRefusedAsync(await node.CreateClient().PostAsJsonAsync(Login, new { email = "reorder-agent@test.misty", password = "anything at all" }));
        Assert.Equal("no_password", (await TestSql.AuditRowsAsync(connectionString, "auth.login_failed"))[^1].Detail("reason"));
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Invalid email or password.", problem.RootElement.GetProperty("title").GetString());
    }

    private static Dictionary<string, object?> User(string field, object? value)
    {
        var user = new Dictionary<string, object?>
        {
            ["email"] = "new.clerk@test.misty",
            ["password"] = StaffClients.Password,
            ["firstName"] = "Nia",
            ["lastName"] = "Clerk",
            ["role"] = "staff",
        };
        if (value is null)
        {
            user.Remove(field);
        }
        else
        {
            user[field] = value;
        }

        return user;
    }

    private static async Task<List<string>> ValidationErrorsAsync(HttpResponseMessage response, string because)
    {
        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{because}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("errors").EnumerateObject().Select(error => error.Name).ToList();
    }
}
