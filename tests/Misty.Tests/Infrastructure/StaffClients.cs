using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Misty.Web.Security;

namespace Misty.Tests.Infrastructure;

/// <summary>Callers of every kind for a test node: staff of a given role, and storefront clients.</summary>
public static class StaffClients
{
    public const string Password = "a long enough test password";

    /// <summary>Adds a staff account directly in the node's store; returns its email.</summary>
    public static async Task<(Guid UserId, string Email)> AddStaffMemberAsync(this MistyWebNode node, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@test.misty";
        var draft = new StaffAccount(Guid.NewGuid(), email, "", "Test", "Member", role, true);
        var hash = node.Services.GetRequiredService<IPasswordHasher<StaffAccount>>().HashPassword(draft, Password);
        Assert.True(await node.Services.GetRequiredService<ICredentialStore>().AddUserAsync(draft with { PasswordHash = hash }, CancellationToken.None));
        return (draft.UserId, email);
    }

    /// <summary>A client with a bearer token of a new staff member of <paramref name="role"/>.</summary>
    public static async Task<HttpClient> CreateClientAsync(this MistyWebNode node, string role)
    {
        var (_, email) = await node.AddStaffMemberAsync(role);
        return await node.LoginAsync(email, Password);
    }

    public static async Task<HttpClient> LoginAsync(this MistyWebNode node, string email, string password)
    {
        var client = node.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        Assert.True(response.IsSuccessStatusCode, $"login of {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        using var login = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Authorization = new("Bearer", login.RootElement.GetProperty("accessToken").GetString());
        return client;
    }

    public static HttpClient CreateStorefrontClient(this MistyWebNode node, string key = MistyWebNode.StorefrontKey)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>
    /// A storefront client acting for one signed-in customer: <paramref name="key"/> and a customer token for the
    /// customer, minted with the test node's server key as the site's backend would.
    /// </summary>
    public static async Task<HttpClient> CreateCustomerClientAsync(this MistyWebNode node, Guid customerId, string key = MistyWebNode.StorefrontKey)
    {
        var client = node.CreateStorefrontClient(key);
        client.DefaultRequestHeaders.Add(CustomerTokens.HeaderName, await node.CustomerTokenAsync(customerId));
        return client;
    }

    /// <summary>A customer token for <paramref name="customerId"/>, from the test node's server key.</summary>
    public static async Task<string> CustomerTokenAsync(this MistyWebNode node, Guid customerId, int? ttlSeconds = null)
    {
        using var server = node.CreateStorefrontClient();
        var response = await server.PostAsJsonAsync("/api/customer-tokens", new { customerId, ttlSeconds });
        Assert.True(response.IsSuccessStatusCode, $"customer token: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("customerToken").GetString()!;
    }
}
