using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Misty.Grains.Hosting;
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

        // Not on the API's port, which the storefront reaches: the figures reveal traffic.
        Assert.NotEqual(HttpStatusCode.OK, (await node.CreateClient().GetAsync("/metrics")).StatusCode);
    }
}
