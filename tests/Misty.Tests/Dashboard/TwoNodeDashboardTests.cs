using Microsoft.AspNetCore.SignalR.Client;
using Misty.Grains.Interfaces.Inventory;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Dashboard;

/// <summary>The Orleans streams are the backplane: an event caused through one node reaches the clients of another.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoNodeDashboardTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_client_on_node_B_receives_the_stock_change_of_a_reservation_made_through_node_A()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 100);
        const string cluster = "misty-two-nodes";
        await using var nodeA = await MistyWebNode.StartAsync(connectionString, cluster);
        await using var nodeB = await MistyWebNode.StartAsync(connectionString, cluster);
        Assert.True(await TestAlbums.EventuallyAsync(async () => await nodeA.ActiveSilosAsync() == 2 && await nodeB.ActiveSilosAsync() == 2),
            "The two nodes did not form one cluster.");

        await using var client = (await LiveHubClient.ConnectAsync(nodeB)).Record<StockChanged>(nameof(StockChanged));
        await client.Connection.InvokeAsync("SubscribeAlbum", album);
        var before = await client.Connection.InvokeAsync<Misty.Web.Inventory.InventoryResponse>("GetAlbumSnapshot", album);
        using var storefrontA = StorefrontCalls.Client(nodeA);
        await StorefrontCalls.ReserveAsync(storefrontA, album, 4);

        var changed = await client.NextAsync<StockChanged>(nameof(StockChanged), e => e.AlbumId == album, TimeSpan.FromSeconds(15));
        Assert.NotNull(changed);
        Assert.Equal(before.Version + 1, changed.Version);
        Assert.Equal(before.Reserved + 4, changed.Reserved);
    }
}
