using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Infrastructure;
using Misty.Web.Agents;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Misty.Tests.Agents;

/// <summary>Agent accounts and MCP clients for a test node.</summary>
public static class AgentTestClients
{
    public static async Task<AgentKeyResponse> CreateAgentAsync(this HttpClient admin, string role, params string[] scopes)
    {
        var response = await admin.PostAsJsonAsync("/api/agents", new { name = $"agent {Guid.NewGuid():N}"[..20], role, scopes });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AgentKeyResponse>())!;
    }

    /// <summary>The official MCP client over streamable HTTP, with the agent's key as its bearer token.</summary>
    public static Task<McpClient> ConnectMcpAsync(this MistyWebNode node, string? apiKey)
    {
        var options = new HttpClientTransportOptions { Endpoint = new Uri(node.Address, AgentMcp.Path), TransportMode = HttpTransportMode.StreamableHttp };
        if (apiKey is not null)
        {
            options.AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}" };
        }

        return McpClient.CreateAsync(new HttpClientTransport(options));
    }

    public static async Task<(bool IsError, JsonElement Body)> CallAsync(this McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        return (result.IsError == true, JsonDocument.Parse(text).RootElement.Clone());
    }
}
