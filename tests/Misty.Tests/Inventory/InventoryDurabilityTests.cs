using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Npgsql;
using Orleans.Streams;
using Orleans.TestingHost;

namespace Misty.Tests.Inventory;

[Collection(PostgresCollection.Name)]
public sealed class InventoryDurabilityTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Acknowledged_reservations_survive_a_killed_silo_and_a_full_restart_and_retries_hold_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 10);
        var requests = SingleUnitRequests(album, "key:crash", count: 6);

        await ReserveThenKillSiloAsync(database, connectionString, requests, (cluster, r) => cluster.Client.GetGrain<IReservationGrain>(r.Id).CreateAsync(r.Request));

        await using var second = await PostgresCluster.StartAsync(database, connectionString);
        var inventory = second.Client.GetGrain<IInventoryGrain>(album);
        Assert.Equal(6, (await inventory.GetAsync())!.Reserved);
        foreach (var (id, _) in requests)
        {
            Assert.Equal(ReservationStatus.Held, (await second.Client.GetGrain<IReservationGrain>(id).GetAsync())!.Status);
        }

        var retries = await Task.WhenAll(requests.Select(r => second.Client.GetGrain<IReservationGrain>(r.Id).CreateAsync(r.Request)));
        Assert.All(retries, retry => Assert.Equal(ReservationResult.Ok, retry.Result));
        Assert.Equal(6, (await inventory.GetAsync())!.Reserved);
        Assert.Equal(4, (await inventory.GetAsync())!.Available);
    }

    [Fact]
    public async Task Album_homed_reservations_survive_a_killed_silo_and_retries_after_it_hold_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 10);
        var requests = SingleUnitRequests(album, "key:desk", count: 6);

        await ReserveThenKillSiloAsync(database, connectionString, requests, (cluster, r) => Desk(cluster).CreateAsync(r.Id, r.Request));

        await using var second = await PostgresCluster.StartAsync(database, connectionString);
        var desk = Desk(second);
        var inventory = second.Client.GetGrain<IInventoryGrain>(album);
        Assert.Equal(6, (await inventory.GetAsync())!.Reserved);
        var retries = await Task.WhenAll(requests.Select(r => desk.CreateAsync(r.Id, r.Request)));
        Assert.All(retries, retry => Assert.Equal((ReservationResult.Ok, ReservationStatus.Held), (retry.Result, retry.Reservation!.Status)));
        Assert.Equal(6, (await inventory.GetAsync())!.Reserved);

        // Released, then sent again: the same reservation, released, and nothing held a second time.
        var (releasedId, releasedRequest) = requests[0];
        Assert.Equal(ReservationResult.Ok, (await desk.ReleaseAsync(releasedId, "key:desk")).Result);
        var replay = await desk.CreateAsync(releasedId, releasedRequest);
        Assert.Equal((ReservationResult.Ok, ReservationStatus.Released), (replay.Result, replay.Reservation!.Status));
        Assert.Equal(ReservationResult.KeyReused, (await desk.CreateAsync(releasedId, releasedRequest with { RequestHash = "other" })).Result);
        Assert.Equal(5, (await inventory.GetAsync())!.Reserved);
    }

    [Fact]
    public async Task A_retry_holds_again_what_a_crash_kept_from_being_stored_beside_its_reservation()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var id = Guid.NewGuid();
        var request = new ReservationRequest([new ReservationLine(album, 2)], TimeSpan.FromMinutes(15), "key:crash", "hash");

        await using (var first = await PostgresCluster.StartAsync(database, connectionString))
        {
            Assert.Equal(ReservationResult.Ok, (await first.Client.GetGrain<IReservationGrain>(id).CreateAsync(request)).Result);
            await first.KillSiloAsync(first.Silos[0]);
        }

        // The reservation's record and its hold are written side by side; make it look as if only the record was stored.
        var emptied = await TestSql.ScalarAsync<int>(connectionString,
            """
            WITH emptied AS (
                UPDATE orleansstorage
                SET payloadbinary = convert_to(jsonb_set(payloadjson, '{Holds}', '{}')::text, 'UTF8'),
                    payloadjson = jsonb_set(payloadjson, '{Holds}', '{}')
                WHERE graintypestring = 'inventory' AND payloadjson -> 'Holds' ? @reservation
                RETURNING 1)
            SELECT count(*)::int FROM emptied
            """,
            ("reservation", id.ToString()));
        Assert.Equal(1, emptied);

        await using var second = await PostgresCluster.StartAsync(database, connectionString);
        var inventory = second.Client.GetGrain<IInventoryGrain>(album);
        Assert.Equal(0, (await inventory.GetAsync())!.Reserved);
        var retry = await second.Client.GetGrain<IReservationGrain>(id).CreateAsync(request);
        Assert.Equal((ReservationResult.Ok, ReservationStatus.Held), (retry.Result, retry.Reservation!.Status));
        Assert.Equal(2, (await inventory.GetAsync())!.Reserved);
        // Holding the same reservation again changes nothing.
        Assert.Equal(ReservationResult.Ok, (await second.Client.GetGrain<IReservationGrain>(id).CreateAsync(request)).Result);
        Assert.Equal(3, (await inventory.GetAsync())!.Available);
    }

    [Fact]
    public async Task Stock_changes_are_published_in_version_order_with_low_stock_on_the_crossing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 4, reorderPoint: 2);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var client = node.Services.GetRequiredService<IClusterClient>();
        var received = new List<IStockEvent>();
        var stream = client.GetStreamProvider(Grains.Interfaces.MistyStreams.Provider)
            .GetStream<IStockEvent>(StreamId.Create(Grains.Interfaces.MistyStreams.Stock, album));
        var subscription = await stream.SubscribeAsync((stockEvent, _) =>
        {
            lock (received)
            {
                received.Add(stockEvent);
            }

            return Task.CompletedTask;
        });

        var reservations = client.GetGrain<IReservationGrain>(Guid.NewGuid());
        Assert.Equal(ReservationResult.Ok, (await reservations.CreateAsync(new ReservationRequest([new ReservationLine(album, 2)], TimeSpan.FromMinutes(5), "key:e", "h"))).Result);
        Assert.Equal(ReservationResult.Ok, (await reservations.CommitAsync(null)).Result);

        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(received.OfType<StockChanged>().Count() >= 2), seconds: 10));
        await subscription.UnsubscribeAsync();
        var changes = received.OfType<StockChanged>().ToList();
        Assert.Equal([1L, 2L], changes.Select(change => change.Version));
        Assert.Equal((4, 2, 2), (changes[0].Quantity, changes[0].Reserved, changes[0].Available));
        Assert.Equal((2, 0, 2), (changes[1].Quantity, changes[1].Reserved, changes[1].Available));
        var low = Assert.Single(received.OfType<LowStock>());
        Assert.Equal((2, 2, 1L), (low.Available, low.ReorderPoint, low.Version));
    }

    [Fact]
    public async Task A_reservation_looked_up_before_the_desk_stored_it_is_found_afterwards()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 3);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        var (id, request) = SingleUnitRequests(album, "key:early", 1)[0];
        var record = cluster.Client.GetGrain<IReservationGrain>(id);

        // The lookup activates the record's grain, which finds nothing; the desk then stores the record without it.
        Assert.Null(await record.GetAsync());
        Assert.Equal(ReservationResult.Ok, (await Desk(cluster).CreateAsync(id, request)).Result);

        Assert.Equal(ReservationStatus.Held, (await record.GetAsync())!.Status);
    }

    private static ReservationDesk Desk(InProcessTestCluster cluster) => cluster.Silos[0].SiloHost.Services.GetRequiredService<ReservationDesk>();

    /// <summary>Makes every reservation on a fresh cluster, checks each was acknowledged, then kills the silo.</summary>
    private static async Task ReserveThenKillSiloAsync(NpgsqlDataSource database, string connectionString, List<(Guid Id, ReservationRequest Request)> requests,
        Func<InProcessTestCluster, (Guid Id, ReservationRequest Request), Task<ReservationOutcome>> reserve)
    {
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        var outcomes = await Task.WhenAll(requests.Select(request => reserve(cluster, request)));
        Assert.All(outcomes, outcome => Assert.Equal(ReservationResult.Ok, outcome.Result));
        // No graceful shutdown: nothing gets a chance to write anything more.
        await cluster.KillSiloAsync(cluster.Silos[0]);
    }

    /// <summary>Distinct one-unit reservations of an album by one caller, each with its reservation id.</summary>
    private static List<(Guid Id, ReservationRequest Request)> SingleUnitRequests(Guid album, string caller, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (Guid.NewGuid(), new ReservationRequest([new ReservationLine(album, 1)], TimeSpan.FromMinutes(15), caller, $"hash-{i}")))];
}
