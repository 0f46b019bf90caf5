using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Misty.Tests.Infrastructure;
using Misty.Web;
using Misty.Web.Agents;
using Misty.Web.Security;

namespace Misty.Tests.Security;

/// <summary>
/// Every endpoint and hub method, present and future, must say who may call it: a Misty policy, or an explicit
/// AllowAnonymous. Each protected endpoint is then called without credentials (401) and by every kind of caller its
/// policies exclude (403).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuthorizationCompletenessTests(PostgresFixture postgres)
{
    private static readonly IReadOnlySet<string> KnownPolicies = new HashSet<string>(StringComparer.Ordinal)
    {
        MistyPolicies.Staff, MistyPolicies.Manager, MistyPolicies.Admin, MistyPolicies.Storefront, MistyPolicies.StorefrontServer,
        AgentIdentity.Policy,
    };

    [Fact]
    public async Task Every_endpoint_declares_a_known_policy_or_is_explicitly_public()
    {
        await using var node = await MistyWebNode.StartAsync(await postgres.CreateDatabaseAsync());
        var endpoints = MappedEndpoint.Of(node);

        Assert.Contains(endpoints, endpoint => endpoint.Pattern == "/api/auth/login");
        Assert.Contains(endpoints, endpoint => endpoint.Pattern.StartsWith("/api/users", StringComparison.Ordinal));
        var undeclared = endpoints.Where(endpoint => !endpoint.IsPublic && endpoint.Policies.Count == 0).ToList();
        Assert.True(undeclared.Count == 0,
            "Endpoints with neither .RequireAuthorization(MistyPolicies.X) nor .AllowAnonymous(): " + string.Join(", ", undeclared));
        var unknown = endpoints.Where(endpoint => endpoint.Policies.Any(policy => policy is null || !KnownPolicies.Contains(policy))).ToList();
        Assert.True(unknown.Count == 0, "Endpoints requiring something other than a MistyPolicies policy: " + string.Join(", ", unknown));
        var both = endpoints.Where(endpoint => endpoint.IsPublic && endpoint.Policies.Count > 0).ToList();
        Assert.True(both.Count == 0, "Endpoints both public and protected (AllowAnonymous wins, so the policy is a lie): " + string.Join(", ", both));
    }

    [Fact]
    public void Every_hub_method_declares_a_known_policy_or_is_explicitly_public()
    {
        var hubs = typeof(MistyWebApp).Assembly.GetTypes().Where(type => type.IsSubclassOf(typeof(Hub)) && !type.IsAbstract).ToList();
        var undeclared = new List<string>();
        foreach (var hub in hubs)
        {
            // Hub's own members (OnConnectedAsync, Dispose, ...) are not callable by clients.
            foreach (var method in hub.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                         .Where(method => method.DeclaringType != typeof(Hub) && method.DeclaringType != typeof(object) && !method.IsSpecialName
                                          && method.GetBaseDefinition().DeclaringType != typeof(Hub)))
            {
                if (!Declares(method) && !Declares(hub))
                {
                    undeclared.Add($"{hub.Name}.{method.Name}");
                }
            }
        }

        Assert.True(undeclared.Count == 0, "Hub methods with neither [Authorize(Policy = ...)] nor [AllowAnonymous]: " + string.Join(", ", undeclared));
    }

    [Fact]
    public async Task Every_protected_endpoint_refuses_a_missing_caller_with_401_and_a_wrong_one_with_403()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var anonymous = node.CreateClient();
        using var storefront = node.CreateStorefrontClient();
        using var clerk = await node.CreateClientAsync(StaffRoles.Staff);
        using var manager = await node.CreateClientAsync(StaffRoles.Manager);
        using var admin = await node.CreateStaffClientAsync();
        var created = await admin.PostAsJsonAsync("/api/api-keys", new { name = "browser", kind = StorefrontKeyKinds.Public });
        using var publicKey = node.CreateStorefrontClient((await created.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key);
        // Who each policy turns away.
        var refusedBy = new Dictionary<string, (string Name, HttpClient Client)[]>
        {
            [MistyPolicies.Storefront] = [],
            [MistyPolicies.StorefrontServer] = [("public key", publicKey)],
            [MistyPolicies.Staff] = [("server key", storefront), ("public key", publicKey)],
            [MistyPolicies.Manager] = [("server key", storefront), ("public key", publicKey), ("staff", clerk)],
            [MistyPolicies.Admin] = [("server key", storefront), ("public key", publicKey), ("staff", clerk), ("manager", manager)],
            [AgentIdentity.Policy] = [("server key", storefront), ("public key", publicKey), ("staff", clerk), ("manager", manager)],
        };

        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var endpoint in MappedEndpoint.Of(node).Where(endpoint => !endpoint.IsPublic))
        {
            var path = endpoint.SomePath();
            await ExpectAsync(anonymous, "no credentials", HttpStatusCode.Unauthorized);
            foreach (var (name, client) in endpoint.Policies.SelectMany(policy => refusedBy[policy!]).DistinctBy(caller => caller.Name))
            {
                await ExpectAsync(client, name, HttpStatusCode.Forbidden);
            }

            async Task ExpectAsync(HttpClient client, string caller, HttpStatusCode expected)
            {
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
                if (endpoint.HasBody)
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                var response = await client.SendAsync(request);
                checkedCount++;
                if (response.StatusCode != expected)
                {
                    failures.Add($"{endpoint.Method} {path} as {caller}: {(int)response.StatusCode}, expected {(int)expected}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(checkedCount > 30, $"only {checkedCount} requests were checked");
    }

    private static bool Declares(MemberInfo member) =>
        member.GetCustomAttributes(inherit: true).Any(attribute =>
            attribute is IAllowAnonymous || (attribute is IAuthorizeData { Policy: { } policy } && KnownPolicies.Contains(policy)));
}
