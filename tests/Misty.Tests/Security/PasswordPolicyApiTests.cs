using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Security;

[Collection(PostgresCollection.Name)]
public sealed class PasswordPolicyApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Creating_an_account_or_changing_its_password_refuses_a_weak_one_naming_the_field_and_writing_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();

        foreach (var weak in new[] { "Password2024!", "aaaaaaaaaaaa", "qwertyuiop123", "nora.clerk 2024!" })
        {
            var refused = await admin.PostAsJsonAsync("/api/users",
                new { email = "nora.clerk@test.misty", password = weak, firstName = "Nora", lastName = "Clerk", role = "staff" });
            await AssertPasswordRefusedAsync(refused, weak);
        }

        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM users WHERE email = 'nora.clerk@test.misty'"));
        var created = await admin.PostAsJsonAsync("/api/users",
            new { email = "nora.clerk@test.misty", password = StaffClients.Password, firstName = "Nora", lastName = "Clerk", role = "staff" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var nora = (await created.Content.ReadFromJsonAsync<UserResponse>())!;
        var hash = await TestSql.ScalarAsync<string>(connectionString, "SELECT password_hash FROM users WHERE user_id = @id", ("id", nora.UserId));

        await AssertPasswordRefusedAsync(await admin.PatchAsJsonAsync($"/api/users/{nora.UserId}", new { password = "letmein letmein" }), "letmein letmein");
        // A change of name in the same request counts too: the new name may not be in the password either.
        await AssertPasswordRefusedAsync(
            await admin.PatchAsJsonAsync($"/api/users/{nora.UserId}", new { lastName = "Vinylfield", password = "vinylfield and more words" }),
            "vinylfield and more words");
        Assert.Equal(hash, await TestSql.ScalarAsync<string>(connectionString, "SELECT password_hash FROM users WHERE user_id = @id", ("id", nora.UserId)));
        Assert.Equal("Clerk", await TestSql.ScalarAsync<string>(connectionString, "SELECT last_name FROM users WHERE user_id = @id", ("id", nora.UserId)));

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/users/{nora.UserId}", new { password = "crackle hiss and a warm bassline" })).StatusCode);
        using var _ = await node.LoginAsync("nora.clerk@test.misty", "crackle hiss and a warm bassline");
    }

    private static async Task AssertPasswordRefusedAsync(HttpResponseMessage response, string password)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(body);
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Equal(["password"], errors.EnumerateObject().Select(field => field.Name));
        Assert.False(string.IsNullOrWhiteSpace(errors.GetProperty("password")[0].GetString()));
        Assert.DoesNotContain(password, body, StringComparison.OrdinalIgnoreCase);
    }
}
