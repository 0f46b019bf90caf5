using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Infrastructure;
using Misty.Tests.Orders;

namespace Misty.Tests.Catalog;

/// <summary>What the album page reads: its stock by day from the ledger, and the albums bought with it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AlbumPageApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_albums_history_works_back_from_its_stock_and_bought_together_ranks_the_albums_of_its_orders()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var (album, often, once) = (await TestAlbums.InsertAsync(connectionString, quantity: 20), await TestAlbums.InsertAsync(connectionString, quantity: 20),
            await TestAlbums.InsertAsync(connectionString, quantity: 20));
        await using var node = await OrderTestData.StartNodeAsync(connectionString);
        using var staff = await node.CreateStaffClientAsync();
        using var storefront = node.CreateStorefrontClient();
        var customer = await OrderTestData.CustomerAsync(staff);
        foreach (var other in new[] { often, often, once })
        {
            await OrderTestData.BodyAsync(await staff.PostAsJsonAsync("/api/orders", new
            {
                lines = new[] { new { albumId = album, quantity = 1 }, new { albumId = other, quantity = 1 } },
                customerId = customer,
                channel = "phone",
                payment = new { method = "card" },
            }), HttpStatusCode.Created);
        }

        await OrderTestData.BodyAsync(await staff.PostAsJsonAsync($"/api/inventory/{album}/restock", new { quantity = 5, notes = "delivery" }), HttpStatusCode.OK);

        JsonElement history = default;
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
        {
            history = await staff.GetFromJsonAsync<JsonElement>($"/api/inventory/{album}/history?days=7");
            return history.GetProperty("days")[6].GetProperty("sold").GetInt32() == 3 && history.GetProperty("days")[6].GetProperty("restocked").GetInt32() == 25;
        }));
        var days = history.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(7, days.Count);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), DateOnly.Parse(days[6].GetProperty("day").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        // 20 opening + 5 restocked - 3 sold today; nothing before today.
        Assert.Equal(22, days[6].GetProperty("closing").GetInt32());
        Assert.Equal(0, days[5].GetProperty("closing").GetInt32());
        var kinds = history.GetProperty("recent").EnumerateArray().Select(row => row.GetProperty("kind").GetString()).ToList();
        Assert.Equal(3, kinds.Count(kind => kind == "sale"));
        Assert.Equal(2, kinds.Count(kind => kind == "restock"));

        List<JsonElement> together = [];
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
        {
            together = await storefront.GetFromJsonAsync<List<JsonElement>>($"/api/albums/{album}/bought-together") ?? [];
            return together.Count == 2;
        }));
        Assert.Equal([often, once], together.Select(row => row.GetProperty("albumId").GetGuid()));
        Assert.Equal([2, 1], together.Select(row => row.GetProperty("orders").GetInt32()));

        foreach (var bad in new[] { "0", "731", "abc" })
        {
            var refused = await staff.GetAsync($"/api/inventory/{album}/history?days={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("days", out _));
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await storefront.GetAsync($"/api/albums/{album}/bought-together?limit=21")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/inventory/{Guid.NewGuid()}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/albums/{Guid.NewGuid()}/bought-together")).StatusCode);
        // The ledger is staff data; the storefront may show what is bought together.
        Assert.Equal(HttpStatusCode.Forbidden, (await storefront.GetAsync($"/api/inventory/{album}/history")).StatusCode);
    }
}
