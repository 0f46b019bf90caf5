using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Inventory;
using Misty.Grains.Reservations;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Orleans.TestingHost;

namespace Misty.Tests.Reservations;

/// <summary>Open holds do not make an album's state, or its writes, any bigger; every keyed stock change applies once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FlashSaleTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    [Trait("Category", "Unit")]
    public void Bytes_stored_per_reservation_do_not_grow_with_open_holds()
    {
        var clock = new ManualClock(Start);
        var book = new StockBook(new InventoryState { Exists = true, Sku = "SKU", Quantity = 1_000_000, ReorderPoint = 2 }, clock);
        var serializer = new JsonStateSerializer();
        var sizes = new Dictionary<int, int>();
        for (var held = 1; held <= 200_000; held++)
        {
            // A flash sale: thousands of buyers a second, each holding one copy for 15 minutes, spread over 60 seconds.
            clock.Advance(TimeSpan.FromMilliseconds(60_000.0 / 200_000));
            Assert.Equal(HoldStatus.Held, book.Hold(Guid.NewGuid(), 1, clock.GetUtcNow().AddMinutes(15), tag: held, forgetWhenEnded: true).Status);
            if (held is 1_000 or 200_000)
            {
                sizes[held] = serializer.Serialize(book.State).ToArray().Length;
            }
        }

        Assert.Equal(200_000, book.Reserved);
        // The index has one bucket per second of expiry (61 here, whatever the number of holds); only digits grow.
        Assert.InRange(book.State.Expiry.Count, 60, 62);
        Assert.InRange(sizes[200_000], 0, 4_500);
        Assert.Empty(book.State.Holds);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Homed_holds_count_until_their_second_and_the_sweep_drops_whole_buckets()
    {
        var clock = new ManualClock(Start.AddMilliseconds(300));
        var book = new StockBook(new InventoryState { Exists = true, Sku = "SKU", Quantity = 10 }, clock);
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        var held = book.Hold(early, 2, clock.GetUtcNow().AddSeconds(30), tag: 1, forgetWhenEnded: true);
        book.Hold(late, 3, clock.GetUtcNow().AddSeconds(60), tag: 2, forgetWhenEnded: true);

        // Rounded up to the whole second: a hold lasts at least its TTL, and its bucket's second is its exact end.
        Assert.Equal(Start.AddSeconds(31), held.ExpiresAt);
        Assert.Equal(HoldStatus.Held, book.Extend(late, clock.GetUtcNow().AddSeconds(90)).Status);
        clock.Advance(TimeSpan.FromSeconds(30.7));
        Assert.Equal((3, HoldStatus.Expired), (book.Reserved, book.Peek(early).Status));
        Assert.Equal(1, book.ExpireDue());
        Assert.Equal(HoldStatus.Expired, book.Release(early).Status);
        Assert.Equal(HoldStatus.Committed, book.Commit(late, null, 10m).Status);
        Assert.Equal((7, 0), (book.State.Quantity, book.Reserved));
        Assert.Empty(book.State.Expiry);
        Assert.Equal([(late, HoldStatus.Committed), (late, HoldStatus.Held)], book.Homed.TakeRows().Select(row => (row.ReservationId, row.Row.Status)).Reverse());
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_keyed_change_names_its_ledger_row()
    {
        var book = new StockBook(new InventoryState { Exists = true, Sku = "SKU", Quantity = 1 }, new ManualClock(Start));
        var key = StockChange.KeyFor("return", Guid.NewGuid(), "0");
        book.Change(Guid.NewGuid(), new StockChange(StockChangeKind.Return, 2, null, null, null, null, key));
        Assert.Equal(key, Assert.Single(book.State.PendingLedger).TransactionId);
    }

    [Fact]
    public async Task Album_homed_holds_made_before_a_killed_silo_are_released_extended_and_committed_once_after_it()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 10);
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        await using (var first = await PostgresCluster.StartAsync(database, connectionString))
        {
            foreach (var id in ids)
            {
                var request = new ReservationRequest([new ReservationLine(album, 2)], TimeSpan.FromMinutes(15), "key:flash", $"hash:{id}");
                Assert.Equal(ReservationResult.Ok, (await Desk(first).CreateAsync(id, request)).Result);
            }

            Assert.Equal(ReservationResult.Ok, (await Desk(first).ReleaseAsync(ids[0], "key:flash")).Result);
            await first.KillSiloAsync(first.Silos[0]);
        }

        await using var second = await PostgresCluster.StartAsync(database, connectionString);
        var inventory = second.Client.GetGrain<IInventoryGrain>(album);
        Assert.Equal(6, (await inventory.GetAsync())!.Reserved);
        // Released before the kill: its album-hold row says so, and releasing it again changes nothing.
        Assert.Equal(HoldStatus.Released, (await inventory.ReleaseAsync(ids[0])).Status);
        Assert.Equal(HoldStatus.Released, (await inventory.ReleaseAsync(ids[1])).Status);
        Assert.Equal(HoldStatus.Released, (await inventory.ReleaseAsync(ids[1])).Status);
        var extended = await second.Client.GetGrain<IReservationGrain>(ids[2]).ExtendAsync(TimeSpan.FromHours(1));
        Assert.Equal(ReservationResult.Ok, extended.Result);
        Assert.Equal(ReservationResult.Ok, (await second.Client.GetGrain<IReservationGrain>(ids[3]).CommitAsync(null)).Result);
        var after = (await inventory.GetAsync())!;
        Assert.Equal((8, 2), (after.Quantity, after.Reserved));

        // The album state names no hold: only the expiry index counts them.
        var stored = await TestSql.ScalarAsync<string>(connectionString,
            "SELECT payloadjson::text FROM orleansstorage WHERE graintypestring = 'inventory' AND payloadjson ->> 'Sku' IS NOT NULL LIMIT 1");
        Assert.DoesNotContain(ids[2].ToString(), stored);
        await using var third = await RestartAsync(second, database, connectionString);
        var peek = await third.Client.GetGrain<IInventoryGrain>(album).PeekHoldAsync(ids[2]);
        Assert.Equal((HoldStatus.Held, extended.Reservation!.ExpiresAt), (peek.Status, peek.ExpiresAt));
        Assert.Equal(HoldStatus.Committed, (await third.Client.GetGrain<IInventoryGrain>(album).PeekHoldAsync(ids[3])).Status);
    }

    [Fact]
    public async Task A_keyed_return_retried_after_a_killed_silo_returns_the_units_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 10);
        var order = Guid.NewGuid();
        // What OrderGrain.PutBackStockAsync sends for line 0 (no order row here, so no order id): the order's state is not
        // stored when the silo dies, so the order sends it again.
        var notes = $"order {order} cancelled";
        var back = new StockChange(StockChangeKind.Return, 3, 20m, notes, null, null, StockChange.KeyFor("return", order, $"0:{album:N}"));
        await using (var first = await PostgresCluster.StartAsync(database, connectionString))
        {
            Assert.Equal(StockChangeStatus.Applied, (await first.Client.GetGrain<IInventoryGrain>(album).ChangeStockAsync(back)).Status);
            await first.KillSiloAsync(first.Silos[0]);
        }

        await using var second = await PostgresCluster.StartAsync(database, connectionString);
        var inventory = second.Client.GetGrain<IInventoryGrain>(album);
        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => inventory.ChangeStockAsync(back)));
        Assert.All(retries, retry => Assert.Equal((StockChangeStatus.Applied, 13), (retry.Status, retry.Inventory!.Quantity)));
        Assert.Equal(StockChangeStatus.KeyReused, (await inventory.ChangeStockAsync(back with { Delta = 4 })).Status);
        Assert.Equal(13, (await inventory.GetAsync())!.Quantity);
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM inventory_transactions WHERE notes = @notes", ("notes", notes)) == 1));
    }

    [Fact]
    public async Task A_restock_sent_twice_with_one_Idempotency_Key_adds_the_units_once_and_another_body_under_it_is_422()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 3);

        async Task<HttpResponseMessage> RestockAsync(string key, int quantity)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/inventory/{album}/restock")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { quantity, notes = "delivery 17" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return await admin.SendAsync(request);
        }

        var answers = await Task.WhenAll(RestockAsync("delivery-17", 5), RestockAsync("delivery-17", 5));
        Assert.All(answers, answer => Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, (await RestockAsync("delivery-17", 6)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await RestockAsync("delivery-18", 5)).StatusCode);
        var stock = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/inventory/{album}");
        Assert.Equal(13, stock.GetProperty("quantity").GetInt32());
    }

    private static async Task<InProcessTestCluster> RestartAsync(InProcessTestCluster running, Npgsql.NpgsqlDataSource database, string connectionString)
    {
        await running.KillSiloAsync(running.Silos[0]);
        return await PostgresCluster.StartAsync(database, connectionString);
    }

    private static ReservationDesk Desk(InProcessTestCluster cluster) => cluster.Silos[0].SiloHost.Services.GetRequiredService<ReservationDesk>();
}
