using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Operations;

/// <summary>PostgreSQL goes away under a running node and comes back: 503s meanwhile, never a 500, nothing lost.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_PostgreSQL_is_away_requests_get_503_and_service_resumes_by_itself_with_nothing_acknowledged_lost()
    {
        // A server of its own: stopping the shared one would break every other test.
        // Commits are acknowledged once written, as in production, so the crash below keeps every acknowledged one.
        await using var server = await PostgresServer.StartAsync(synchronousCommit: true);
        var connectionString = await CreateDatabaseAsync(server);
        await using var node = await MistyWebNode.StartAsync(connectionString, clusterId: "outage-test");
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 50);
        using var storefront = node.CreateClient();
        storefront.DefaultRequestHeaders.Add("X-Api-Key", MistyWebNode.StorefrontKey);
        var acknowledged = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            acknowledged.Add(await ReservationIdAsync(await ReserveAsync(storefront, $"before-{i}", album)));
        }

        await server.StopAsync();
        NpgsqlConnection.ClearAllPools();
        var outage = Stopwatch.StartNew();
        List<HttpResponseMessage> during =
        [
            await ReserveAsync(storefront, "during-0", album),
            await ReserveAsync(storefront, "during-1", album),
            await storefront.GetAsync($"/api/reservations/{acknowledged[0]}"),
            await storefront.GetAsync("/api/albums?page=1&pageSize=5"),
            await storefront.DeleteAsync($"/api/reservations/{acknowledged[4]}"),
        ];
        var answeredIn = outage.Elapsed;
        Assert.All(during, response => Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode));
        var unavailable = during.Where(response => response.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.Contains(during[0], unavailable);
        foreach (var response in unavailable)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
        }

        // Fast: the refusal is immediate, not a wait for a timeout (five requests, well under Npgsql's 15 s).
        Assert.True(answeredIn < TimeSpan.FromSeconds(10), $"The five requests took {answeredIn}.");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await node.CreateClient().GetAsync("/health/ready")).StatusCode);

        await server.StartAgainAsync();
        var back = Stopwatch.StartNew();
        HttpResponseMessage? first = null;
        while (back.Elapsed < TimeSpan.FromSeconds(20))
        {
            first = await ReserveAsync(storefront, "during-0", album);
            Assert.NotEqual(HttpStatusCode.InternalServerError, first.StatusCode);
            if (first.StatusCode == HttpStatusCode.Created)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(first?.StatusCode == HttpStatusCode.Created, $"No reservation succeeded within 20 s of PostgreSQL's return ({first?.StatusCode}).");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(10), $"Service resumed only after {back.Elapsed}.");
        acknowledged.Add(await ReservationIdAsync(first!));
        Assert.Equal(HttpStatusCode.OK, (await node.CreateClient().GetAsync("/health/ready")).StatusCode);

        // Every acknowledged reservation is still held, the one released during the outage was not (it got a 503 or was
        // released before its answer, never half done), and the retried key held once.
        var released = during[4].StatusCode == HttpStatusCode.NoContent;
        foreach (var id in acknowledged)
        {
            var reservation = await storefront.GetFromJsonAsync<JsonElement>($"/api/reservations/{id}");
            var expected = released && id == acknowledged[4] ? "released" : "held";
            Assert.Equal(expected, reservation.GetProperty("status").GetString());
        }

        var retried = await ReserveAsync(storefront, "during-0", album);
        Assert.Equal(acknowledged[^1], await ReservationIdAsync(retried));
        var inventory = await storefront.GetFromJsonAsync<JsonElement>($"/api/inventory/{album}");
        Assert.Equal(released ? 5 : 6, inventory.GetProperty("reserved").GetInt32());
    }

    private static async Task<string> CreateDatabaseAsync(PostgresServer server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE DATABASE misty_outage", connection);
        await command.ExecuteNonQueryAsync();
        return server.ConnectionString("misty_outage");
    }

    private static Task<HttpResponseMessage> ReserveAsync(HttpClient client, string key, Guid album)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = JsonContent.Create(new { lines = new[] { new { albumId = album, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static async Task<Guid> ReservationIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reservationId").GetGuid();
    }
}
