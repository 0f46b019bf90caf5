using Misty.Grains.Interfaces.Inventory;
using Misty.Persistence;
using Misty.Seeding;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Inventory;

[Collection(PostgresCollection.Name)]
public sealed class SeededInventoryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Inventory_grains_of_a_seeded_database_agree_with_its_rows()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await new DemoDataSeeder(database).SeedAsync(new SeedOptions { Albums = 60, Customers = 80, Days = 60 });

        var rows = new List<(Guid Album, string Sku, int Quantity, int ReorderPoint)>();
        await using (var query = database.CreateCommand(
            "SELECT a.album_id, a.sku, i.quantity, i.reorder_point FROM albums a JOIN inventory i USING (album_id) ORDER BY a.sku LIMIT 25"))
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
            }
        }

        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        foreach (var row in rows)
        {
            var snapshot = await cluster.Client.GetGrain<IInventoryGrain>(row.Album).GetAsync();
            Assert.NotNull(snapshot);
            Assert.Equal((row.Sku, row.Quantity, row.ReorderPoint, 0), (snapshot.Sku, snapshot.Quantity, snapshot.ReorderPoint, snapshot.Reserved));
        }

        // After a change the grain's row follows it, and the ledger still sums to the quantity.
        var restocked = rows[0].Album;
        await cluster.Client.GetGrain<IInventoryGrain>(restocked).ChangeStockAsync(new StockChange(StockChangeKind.Restock, 7, 12m, "delivery", null, null));
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
        {
            await using var check = database.CreateCommand(
                """
                SELECT i.quantity = @expected AND i.quantity = (SELECT sum(quantity_change) FROM inventory_transactions t WHERE t.inventory_id = i.inventory_id)
                FROM inventory i WHERE i.album_id = @album
                """);
            check.Parameters.AddWithValue("album", restocked);
            check.Parameters.AddWithValue("expected", rows[0].Quantity + 7);
            return (bool)(await check.ExecuteScalarAsync())!;
        }));
    }
}
