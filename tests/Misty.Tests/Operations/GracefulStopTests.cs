using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Hosting;
using Misty.Grains.Interfaces.Reservations;
using Misty.Persistence;
using Misty.Silo.Commands;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Operations;

[Collection(PostgresCollection.Name)]
public sealed class GracefulStopTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_stopping_web_node_answers_not_ready_at_once_and_keeps_serving_until_its_drain_delay_is_over()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var node = await MistyWebNode.StartAsync(connectionString, clusterId: "drain-test", configure: builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Misty:Shutdown:DrainDelay"] = "00:00:04" }));
        using var storefront = node.CreateClient();
        storefront.DefaultRequestHeaders.Add("X-Api-Key", MistyWebNode.StorefrontKey);
        Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(storefront, album)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await storefront.GetAsync("/health/ready")).StatusCode);

        var stopping = Task.Run(async () => await node.DisposeAsync());
        Assert.True(await TestAlbums.EventuallyAsync(async () => (await storefront.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, seconds: 3));
        // Still draining: a load balancer's last requests are answered, not refused.
        Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(storefront, album)).StatusCode);
        await stopping;

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => storefront.GetAsync("/health/live"));
    }

    [Fact]
    public async Task A_headless_silo_serves_its_probes_and_Prometheus_metrics_on_its_listener()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var options = MistyOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MISTY_DB"] = connectionString,
            ["MISTY_CLUSTER_ID"] = "headless-endpoints-test",
            ["MISTY_SILO_PORT"] = LoopbackPorts.Free().ToString(),
            ["MISTY_GATEWAY_PORT"] = LoopbackPorts.Free().ToString(),
        }).Build());
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var listen = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
        await using var silo = SiloEndpoints.Build([], listen, options, database);
        await silo.StartAsync();
        using var scraper = new HttpClient { BaseAddress = listen };
        Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync("/health/live")).StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () => (await scraper.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, seconds: 30));

        // A hold taken by an album grain of this silo (the only one in its cluster) shows in its own scrape.
        var reserved = await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IReservationGrain>(Guid.NewGuid())
            .CreateAsync(new ReservationRequest([new ReservationLine(album, 1)], TimeSpan.FromMinutes(5), "key:headless", "hash"));
        Assert.Equal(ReservationResult.Ok, reserved.Result);
        var text = await scraper.GetStringAsync("/metrics");
        Assert.True(Regex.IsMatch(text, "misty_holds_open(\\{[^}]*\\})? [1-9]"), text);
        Assert.Contains("orleans_", text, StringComparison.Ordinal);
        // Not the API: nothing else is served here.
        Assert.Equal(HttpStatusCode.NotFound, (await scraper.GetAsync("/api/albums")).StatusCode);
        await silo.StopAsync();
    }

    private static Task<HttpResponseMessage> ReserveAsync(HttpClient storefront, Guid album)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = JsonContent.Create(new { lines = new[] { new { albumId = album, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return storefront.SendAsync(request);
    }
}
