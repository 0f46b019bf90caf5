using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Misty.Tests.Infrastructure;
using Misty.Web.Dashboard;
using Misty.Web.Security;

namespace Misty.Tests.Security;

/// <summary>Tokens die when they should: logout, password reset, deactivation; live hub connections with them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RevocationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Logout_and_a_password_reset_end_every_token_issued_before_them()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var (userId, email) = await node.AddStaffMemberAsync(StaffRoles.Staff);
        using var laptop = await node.LoginAsync(email, StaffClients.Password);
        using var phone = await node.LoginAsync(email, StaffClients.Password);

        Assert.Equal(HttpStatusCode.NoContent, (await laptop.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/albums")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/albums")).StatusCode);
        Assert.Equal(userId.ToString(), Assert.Single(await TestSql.AuditRowsAsync(connectionString, "auth.logout")).Detail("userId"));

        using var again = await node.LoginAsync(email, StaffClients.Password);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/albums")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/users/{userId}", new { password = "another long passphrase 42" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync("/api/albums")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.CreateClient().PostAsync("/api/auth/logout", null)).StatusCode);
    }

    [Fact]
    public async Task A_live_hub_connection_is_closed_when_its_user_is_deactivated_and_refused_after_logout()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var (userId, email) = await node.AddStaffMemberAsync(StaffRoles.Staff);

        // Logged out: the next hub call is refused and the connection closed.
        using var first = await node.LoginAsync(email, StaffClients.Password);
        await using var loggedOut = await ConnectAsync(node, first);
        await loggedOut.InvokeAsync<DashboardSnapshot>(nameof(OperationsHub.GetDashboardSnapshot));
        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsync("/api/auth/logout", null)).StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => loggedOut.InvokeAsync<DashboardSnapshot>(nameof(OperationsHub.GetDashboardSnapshot)));

        // Deactivated while connected and idle: the sweep closes the connection within 30 s.
        using var second = await node.LoginAsync(email, StaffClients.Password);
        await using var idle = await ConnectAsync(node, second);
        var closed = new TaskCompletionSource();
        idle.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/users/{userId}", new { active = false })).StatusCode);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Disconnected, idle.State);
    }

    private static async Task<HubConnection> ConnectAsync(MistyWebNode node, HttpClient staff)
    {
        var token = staff.DefaultRequestHeaders.Authorization!.Parameter!;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Address, OperationsHub.Path), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await connection.StartAsync();
        return connection;
    }
}
