using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Projections;
using Misty.Persistence;
using Misty.Tests.Infrastructure;

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

    private static async Task<(int Quantity, int Reserved, long Version)> RowAsync(Npgsql.NpgsqlDataSource database, Guid album)
    {
        await using var query = database.CreateCommand("SELECT quantity, reserved_quantity, version FROM inventory WHERE album_id = @album");
        query.Parameters.AddWithValue("album", album);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2));
    }
}
