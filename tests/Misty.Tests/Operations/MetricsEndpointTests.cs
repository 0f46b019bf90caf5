using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Misty.Grains.Hosting;
using Misty.Tests.Agents;
using Misty.Tests.Infrastructure;
using Misty.Web.Operations;

namespace Misty.Tests.Operations;

[Collection(PostgresCollection.Name)]
public sealed class MetricsEndpointTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Prometheus_scrapes_Mistys_meters_on_the_metrics_listener_and_nobody_gets_them_anonymously_on_the_api_port()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 1);
        var metricsPort = LoopbackPorts.Free();
        await using var node = await MistyWebNode.StartAsync(connectionString, clusterId: "metrics-test", configure: builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [OperationsSetup.MetricsUrlSetting] = $"http://127.0.0.1:{metricsPort}" }));
        using var storefront = node.CreateClient();
        storefront.DefaultRequestHeaders.Add("X-Api-Key", MistyWebNode.StorefrontKey);
        foreach (var key in new[] { "first", "second" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
            {
                Content = JsonContent.Create(new { lines = new[] { new { albumId = album, quantity = 1 } } }),
            };
            request.Headers.Add("Idempotency-Key", key);
            await storefront.SendAsync(request);
        }

        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var scrape = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        // One held, one refused (a single copy): both counted by result, and the open hold is seen.
        var misty = string.Join('\n', text.Split('\n').Where(line => line.StartsWith("misty_", StringComparison.Ordinal)));
        Assert.True(Regex.IsMatch(misty, "misty_reservations_total\\{[^}]*result=\"ok\"[^}]*\\} 1\\b"), misty);
        Assert.True(Regex.IsMatch(misty, "misty_reservations_total\\{[^}]*result=\"insufficient\"[^}]*\\} 1\\b"), misty);
        Assert.True(Regex.IsMatch(misty, "misty_holds_open(\\{[^}]*\\})? 1\\b"), misty);
        Assert.Contains("http_server_request_duration_seconds", text);
        Assert.DoesNotContain("http_server_active_requests", text);

        // Not on the API's port, which the storefront reaches: the figures reveal traffic.
        Assert.NotEqual(HttpStatusCode.OK, (await node.CreateClient().GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Agent_tool_calls_are_counted_by_tool_channel_and_outcome()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 4);
        var metricsPort = LoopbackPorts.Free();
        await using var node = await MistyWebNode.StartAsync(connectionString, clusterId: "agent-metrics-test", configure: builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [OperationsSetup.MetricsUrlSetting] = $"http://127.0.0.1:{metricsPort}" }));
        using var admin = await node.CreateStaffClientAsync();
        var agent = await admin.CreateAgentAsync("staff", "inventory:read");
        await using (var mcp = await node.ConnectMcpAsync(agent.ApiKey))
        {
            await mcp.CallAsync("get_inventory", new() { ["albumId"] = album.ToString() });
            await mcp.CallAsync("get_inventory", new() { ["albumId"] = album.ToString() });
            await mcp.CallAsync("restock_album", new() { ["albumId"] = album.ToString(), ["quantity"] = 1 });
        }

        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var text = await scraper.GetStringAsync("/metrics");
        var calls = string.Join('\n', text.Split('\n').Where(line => line.StartsWith("misty_agent_call", StringComparison.Ordinal)));
        // Counted from this node's start; the tests of this collection run one at a time, so the counts are exact.
        Assert.True(Regex.IsMatch(calls, "misty_agent_calls_total\\{(?=[^}]*channel=\"mcp\")(?=[^}]*outcome=\"ok\")(?=[^}]*tool=\"get_inventory\")[^}]*\\} 2\\b"), calls);
        Assert.True(Regex.IsMatch(calls, "misty_agent_calls_total\\{(?=[^}]*outcome=\"forbidden\")(?=[^}]*tool=\"restock_album\")[^}]*\\} 1\\b"), calls);
        Assert.True(Regex.IsMatch(calls, "misty_agent_call_duration_seconds_count\\{(?=[^}]*outcome=\"ok\")(?=[^}]*tool=\"get_inventory\")[^}]*\\} 2\\b"), calls);
    }
}
