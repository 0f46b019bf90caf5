using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Reservations;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Reservations;

[Collection(PostgresCollection.Name)]
public sealed class ReservationApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Racing_reservations_never_oversell()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 100);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);

        const int attempts = 2_000;
        using var gate = new SemaphoreSlim(64);
        var statuses = await Task.WhenAll(Enumerable.Range(0, attempts).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return (await ReserveAsync(storefront, Guid.NewGuid().ToString(), (album, 1))).StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.True(statuses.All(status => status is HttpStatusCode.Created or HttpStatusCode.Conflict),
            string.Join(", ", statuses.GroupBy(status => status).Select(group => $"{group.Key}: {group.Count()}")));
        Assert.Equal(100, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(attempts - 100, statuses.Count(status => status == HttpStatusCode.Conflict));
        var inventory = await InventoryAsync(storefront, album);
        Assert.Equal((100, 100, 0), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32(), inventory.GetProperty("available").GetInt32()));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await ReservedRowAsync(connectionString, album) == 100),
            "The inventory row did not converge to the grain's reserved count.");
    }

    [Fact]
    public async Task The_same_key_gets_the_same_answer_and_another_body_under_it_is_refused()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 10);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);

        var first = await ReserveAsync(storefront, "cart-42", (album, 3));
        var again = await ReserveAsync(storefront, "cart-42", (album, 3));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(3, (await InventoryAsync(storefront, album)).GetProperty("reserved").GetInt32());

        var other = await ReserveAsync(storefront, "cart-42", (album, 4));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, (await InventoryAsync(storefront, album)).GetProperty("reserved").GetInt32());
    }

    [Fact]
    public async Task A_key_used_for_one_album_is_refused_for_another_and_twin_requests_hold_once_even_when_they_race()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var first = await TestAlbums.InsertAsync(connectionString, quantity: 50);
        var second = await TestAlbums.InsertAsync(connectionString, quantity: 50);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);

        Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(storefront, "one-key", (first, 1))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ReserveAsync(storefront, "one-key", (second, 1))).StatusCode);

        // Each key sent to both albums at once: exactly one of the two is held, the other hears 422 and holds nothing.
        var races = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var key = $"race-{i}";
            var answers = await Task.WhenAll(ReserveAsync(storefront, key, (first, 1)), ReserveAsync(storefront, key, (second, 1)));
            return answers.Select(answer => answer.StatusCode).Order().ToArray();
        }));
        Assert.All(races, answers => Assert.Equal([HttpStatusCode.Created, HttpStatusCode.UnprocessableEntity], answers));

        // The same request sent twice at once: both hear 201 for one reservation, which holds once.
        var twins = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            var answers = await Task.WhenAll(ReserveAsync(storefront, $"twin-{i}", (first, 1)), ReserveAsync(storefront, $"twin-{i}", (first, 1)));
            return await Task.WhenAll(answers.Select(ReservationIdAsync));
        }));
        Assert.All(twins, ids => Assert.Equal(ids[0], ids[1]));
        var reserved = (await InventoryAsync(storefront, first)).GetProperty("reserved").GetInt32() + (await InventoryAsync(storefront, second)).GetProperty("reserved").GetInt32();
        Assert.Equal(1 + races.Length + twins.Length, reserved);
    }

    [Fact]
    public async Task A_released_reservation_replayed_holds_nothing_again_and_reads_released_after_a_restart()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 1);
        Guid reservation;
        await using (var node = await MistyWebNode.StartAsync(connectionString))
        {
            using var storefront = Storefront(node);
            reservation = await ReservationIdAsync(await ReserveAsync(storefront, "replayed", (album, 1)));
            Assert.Equal(HttpStatusCode.NoContent, (await storefront.DeleteAsync($"/api/reservations/{reservation}")).StatusCode);
            Assert.Equal("released", await StatusAsync(storefront, reservation));

            // Another key takes the unit: the replay must not hold again, and cannot succeed by taking stock.
            Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(storefront, "other", (album, 1))).StatusCode);
            var replay = await ReserveAsync(storefront, "replayed", (album, 1));
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            var answer = await replay.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((reservation, "released"), (answer.GetProperty("reservationId").GetGuid(), answer.GetProperty("status").GetString()));
            Assert.Equal(1, (await InventoryAsync(storefront, album)).GetProperty("reserved").GetInt32());
        }

        await using (var restarted = await MistyWebNode.StartAsync(connectionString))
        {
            using var storefront = Storefront(restarted);
            Assert.Equal("released", await StatusAsync(storefront, reservation));
            Assert.Equal(HttpStatusCode.NoContent, (await storefront.DeleteAsync($"/api/reservations/{reservation}")).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await storefront.PostAsync($"/api/reservations/{reservation}/commit", null)).StatusCode);
            Assert.Equal(1, (await InventoryAsync(storefront, album)).GetProperty("reserved").GetInt32());
        }
    }

    [Fact]
    public async Task A_refused_key_stores_nothing_and_is_held_once_stock_is_back()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 0);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);
        using var admin = await node.CreateStaffClientAsync();

        Assert.Equal(HttpStatusCode.Conflict, (await ReserveAsync(storefront, "patient", (album, 2))).StatusCode);
        Assert.Equal(0L, await ScalarAsync(connectionString, "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'reservation' AND payloadjson::text LIKE '%' || @album::text || '%'", album));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/inventory/{album}/restock", new { quantity = 2 })).StatusCode);
        var held = await ReserveAsync(storefront, "patient", (album, 2));
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        Assert.Equal("held", await StatusAsync(storefront, await ReservationIdAsync(held)));
        Assert.Equal(0, (await InventoryAsync(storefront, album)).GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task A_reservation_over_several_albums_holds_all_lines_or_none()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var plenty = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var scarce = await TestAlbums.InsertAsync(connectionString, quantity: 1);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);

        var refused = await ReserveAsync(storefront, "multi", (plenty, 3), (scarce, 2));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        var shortLine = Assert.Single(problem.RootElement.GetProperty("lines").EnumerateArray());
        Assert.Equal(scarce, shortLine.GetProperty("albumId").GetGuid());
        Assert.Equal(1, shortLine.GetProperty("available").GetInt32());
        Assert.Equal(5, (await InventoryAsync(storefront, plenty)).GetProperty("available").GetInt32());

        Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(storefront, "multi-2", (plenty, 3), (scarce, 1))).StatusCode);
        Assert.Equal(2, (await InventoryAsync(storefront, plenty)).GetProperty("available").GetInt32());
        Assert.Equal(0, (await InventoryAsync(storefront, scarce)).GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Release_frees_the_units_and_commit_sells_them_into_the_ledger()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 4);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);

        var released = await ReservationIdAsync(await ReserveAsync(storefront, "a", (album, 2)));
        Assert.Equal(HttpStatusCode.NoContent, (await storefront.DeleteAsync($"/api/reservations/{released}")).StatusCode);
        Assert.Equal(4, (await InventoryAsync(storefront, album)).GetProperty("available").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await storefront.PostAsync($"/api/reservations/{released}/commit", null)).StatusCode);

        var sold = await ReservationIdAsync(await ReserveAsync(storefront, "b", (album, 3)));
        var commit = await storefront.PostAsync($"/api/reservations/{sold}/commit", null);
        Assert.Equal(HttpStatusCode.OK, commit.StatusCode);
        var inventory = await InventoryAsync(storefront, album);
        Assert.Equal((1, 0), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32()));
        Assert.Equal(HttpStatusCode.Conflict, (await storefront.DeleteAsync($"/api/reservations/{sold}")).StatusCode);

        // The ledger sums to the quantity once the projection has caught up: opening stock 4, sale -3.
        Assert.True(await TestAlbums.EventuallyAsync(async () => await LedgerSumAsync(connectionString, album) == 1 && await QuantityRowAsync(connectionString, album) == 1),
            "inventory_transactions and the inventory row did not converge to the grain.");
    }

    [Fact]
    public async Task Another_storefront_key_can_neither_see_nor_release_a_reservation_but_staff_can()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 2);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);
        using var admin = await node.CreateStaffClientAsync();
        var created = await admin.PostAsJsonAsync("/api/api-keys", new { name = "another shop", kind = "public" });
        using var otherKey = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        using var otherShop = node.CreateStorefrontClient(otherKey.RootElement.GetProperty("key").GetString()!);

        var reservation = await ReservationIdAsync(await ReserveAsync(storefront, "mine", (album, 2)));
        Assert.Equal(HttpStatusCode.NotFound, (await otherShop.GetAsync($"/api/reservations/{reservation}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherShop.DeleteAsync($"/api/reservations/{reservation}")).StatusCode);
        Assert.Equal(0, (await InventoryAsync(storefront, album)).GetProperty("available").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/reservations/{reservation}")).StatusCode);
        Assert.Equal(2, (await InventoryAsync(storefront, album)).GetProperty("available").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.DeleteAsync($"/api/reservations/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task An_expired_hold_stops_counting_at_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 1);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);

        // The API's shortest TTL is 30 s; the grain takes any, which keeps this test short.
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var outcome = await grains.GetGrain<IReservationGrain>(Guid.NewGuid())
            .CreateAsync(new ReservationRequest([new ReservationLine(album, 1)], TimeSpan.FromSeconds(3), "key:test", "hash"));
        Assert.Equal(ReservationResult.Ok, outcome.Result);
        var expiresAt = outcome.Reservation!.ExpiresAt;
        var held = await InventoryAsync(storefront, album);
        if (DateTimeOffset.UtcNow < expiresAt)
        {
            Assert.Equal(0, held.GetProperty("available").GetInt32());
        }

        // No sweep runs this soon (the reminder's period is a minute): expiry alone frees the unit.
        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        Assert.Equal(1, (await InventoryAsync(storefront, album)).GetProperty("available").GetInt32());
        using var staff = await node.CreateStaffClientAsync();
        Assert.Equal("expired", (await (await staff.GetAsync($"/api/reservations/{outcome.Reservation!.ReservationId}")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(storefront, "after-expiry", (album, 1))).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_get_problem_details_naming_the_field_and_hold_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);

        var noKey = await storefront.PostAsJsonAsync("/api/reservations", new { lines = new[] { new { albumId = album, quantity = 1 } } });
        await AssertFieldErrorAsync(noKey, "Idempotency-Key");
        await AssertFieldErrorAsync(await ReserveAsync(storefront, "zero", (album, 0)), "lines[0].quantity");
        await AssertFieldErrorAsync(await ReserveAsync(storefront, "unknown", (Guid.NewGuid(), 1)), "lines[0].albumId");
        var noLines = new HttpRequestMessage(HttpMethod.Post, "/api/reservations") { Content = JsonContent.Create(new { lines = Array.Empty<object>() }) };
        noLines.Headers.Add("Idempotency-Key", "empty");
        await AssertFieldErrorAsync(await storefront.SendAsync(noLines), "lines");
        var malformed = new HttpRequestMessage(HttpMethod.Post, "/api/reservations") { Content = new StringContent("{\"lines\": [", System.Text.Encoding.UTF8, "application/json") };
        malformed.Headers.Add("Idempotency-Key", "malformed");
        Assert.Equal(HttpStatusCode.BadRequest, (await storefront.SendAsync(malformed)).StatusCode);
        using var staff = await node.CreateStaffClientAsync();
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync($"/api/inventory/{album}/restock", new { quantity = -3 }), "quantity");
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync($"/api/inventory/{album}/adjust", new { delta = -1 }), "reason");

        Assert.Equal(0, (await InventoryAsync(storefront, album)).GetProperty("reserved").GetInt32());
        Assert.Equal(5, (await InventoryAsync(storefront, album)).GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task Storefront_callers_see_only_their_own_reservations_and_cannot_change_stock()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var storefront = Storefront(node);
        using var staff = await node.CreateStaffClientAsync();

        var staffReservation = await ReservationIdAsync(await ReserveAsync(staff, "staff-cart", (album, 1)));
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/reservations/{staffReservation}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/reservations/{staffReservation}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await storefront.PostAsJsonAsync($"/api/inventory/{album}/restock", new { quantity = 5 })).StatusCode);

        var restock = await staff.PostAsJsonAsync($"/api/inventory/{album}/restock", new { quantity = 5, unitCost = 9.5m, notes = "delivery" });
        Assert.Equal(HttpStatusCode.OK, restock.StatusCode);
        Assert.Equal(10, (await restock.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quantity").GetInt32());
    }

    private static HttpClient Storefront(MistyWebNode node)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", MistyWebNode.StorefrontKey);
        return client;
    }

    private static Task<HttpResponseMessage> ReserveAsync(HttpClient client, string key, params (Guid Album, int Quantity)[] lines)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = JsonContent.Create(new { lines = lines.Select(line => new { albumId = line.Album, quantity = line.Quantity }) }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static async Task<Guid> ReservationIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reservationId").GetGuid();
    }

    private static async Task<string?> StatusAsync(HttpClient client, Guid reservation) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/reservations/{reservation}")).GetProperty("status").GetString();

    private static async Task<JsonElement> InventoryAsync(HttpClient client, Guid album) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/inventory/{album}");

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"No error for {field}: {problem.RootElement}");
    }

    private static Task<long> ReservedRowAsync(string connectionString, Guid album) =>
        ScalarAsync(connectionString, "SELECT reserved_quantity::bigint FROM inventory WHERE album_id = @album", album);

    private static Task<long> QuantityRowAsync(string connectionString, Guid album) =>
        ScalarAsync(connectionString, "SELECT quantity::bigint FROM inventory WHERE album_id = @album", album);

    private static Task<long> LedgerSumAsync(string connectionString, Guid album) =>
        ScalarAsync(connectionString,
            "SELECT coalesce(sum(t.quantity_change), 0)::bigint FROM inventory_transactions t JOIN inventory i USING (inventory_id) WHERE i.album_id = @album", album);

    private static async Task<long> ScalarAsync(string connectionString, string sql, Guid album)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("album", album);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
