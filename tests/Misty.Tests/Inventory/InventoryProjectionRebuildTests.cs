using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Inventory;
using Misty.Grains.Projections;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Orleans.Configuration;

namespace Misty.Tests.Inventory;

[Collection(PostgresCollection.Name)]
public sealed class InventoryProjectionRebuildTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_damaged_inventory_row_is_rebuilt_from_grain_state()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 9);
        var untouched = await TestAlbums.InsertAsync(connectionString, quantity: 4);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        var reservation = await cluster.Client.GetGrain<IReservationGrain>(Guid.NewGuid())
            .CreateAsync(new ReservationRequest([new ReservationLine(album, 3)], TimeSpan.FromMinutes(10), "key:rebuild", "h"));
        Assert.Equal(ReservationResult.Ok, reservation.Result);
        Assert.True(await TestAlbums.EventuallyAsync(async () => await RowAsync(database, album) == (9, 3, 1)));

        // Someone "fixes" the row by hand, even with a higher version: the grain is the source of truth.
        await using (var damage = database.CreateCommand("UPDATE inventory SET quantity = 500, reserved_quantity = 0, version = 77 WHERE album_id = @album"))
        {
            damage.Parameters.AddWithValue("album", album);
            await damage.ExecuteNonQueryAsync();
        }

        var rebuilder = Assert.Single(cluster.Silos[0].ServiceProvider.GetServices<IProjectionRebuilder>(), rebuilder => rebuilder.Name == "inventory");
        Assert.Equal(1, await rebuilder.RebuildAsync(CancellationToken.None));
        Assert.Equal((9, 3, 1), await RowAsync(database, album));
        Assert.Equal((4, 0, 0), await RowAsync(database, untouched));
    }

    [Fact]
    public async Task An_album_restocked_without_holds_whose_silo_dies_before_its_rows_are_written_gets_them_from_its_reminder()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 2);
        var restock = new StockChange(StockChangeKind.Restock, 5, 9.50m, "delivery before the crash", null, null);
        await using (var first = await PostgresCluster.StartAsync(database, connectionString, configure: silo =>
        {
            Quick(silo);
            silo.Services.AddSingleton<IInventoryStore>(new StalledProjections(new PostgresInventoryStore(database)));
        }))
        {
            Assert.Equal(7, (await first.Client.GetGrain<IInventoryGrain>(album).ChangeStockAsync(restock)).Inventory!.Quantity);
            // Stored and acknowledged, neither the row nor the ledger written: the silo dies now, without a graceful shutdown.
            Assert.Equal((2, 0, 0), await RowAsync(database, album));
            await first.KillSiloAsync(first.Silos[0]);
        }

        // Nobody asks about the album: the reminder registered before the write brings it back to write both.
        await using var second = await PostgresCluster.StartAsync(database, connectionString, configure: Quick);
        Assert.True(await TestAlbums.EventuallyAsync(async () => (await RowAsync(database, album)).Quantity == 7, seconds: 30));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM inventory_transactions t JOIN inventory i USING (inventory_id) " +
            "WHERE i.album_id = @album AND t.quantity_change = 5 AND t.notes = 'delivery before the crash'", ("album", album)));
        // With no holds and its rows written, the album lets its reminder go.
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE @grain", ("grain", $"%{album:N}%")) == 0));
    }

    /// <summary>Album reminders every second.</summary>
    private static void Quick(ISiloBuilder silo)
    {
        silo.Services.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        silo.Services.Configure<InventoryOptions>(inventory => inventory.ReminderPeriod = TimeSpan.FromSeconds(1));
    }

    /// <summary>A silo whose inventory projections always fail, as if it always died just after storing.</summary>
    private sealed class StalledProjections(PostgresInventoryStore store) : IInventoryStore
    {
        public Task<InventoryRow?> LoadAsync(Guid albumId, CancellationToken cancellationToken) => store.LoadAsync(albumId, cancellationToken);

        public Task ProjectAsync(InventorySnapshot snapshot, IReadOnlyList<LedgerEntry> ledger, bool overwrite, CancellationToken cancellationToken) =>
            Task.FromException(new TimeoutException("The database did not answer."));
    }

    private static async Task<(int Quantity, int Reserved, long Version)> RowAsync(Npgsql.NpgsqlDataSource database, Guid album)
    {
        await using var query = database.CreateCommand("SELECT quantity, reserved_quantity, version FROM inventory WHERE album_id = @album");
        query.Parameters.AddWithValue("album", album);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2));
    }
}
