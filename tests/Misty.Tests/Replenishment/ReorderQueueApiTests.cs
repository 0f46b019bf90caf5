using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Replenishment;
using Misty.Grains.Replenishment;
using Misty.Tests.Infrastructure;
using Orleans.Streams;

namespace Misty.Tests.Replenishment;

[Collection(PostgresCollection.Name)]
public sealed class ReorderQueueApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_planned_line_is_approved_ordered_with_its_suppliers_other_lines_and_received_in_two_parts()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var manager = await node.CreateClientAsync("manager");
        var clerk = await node.CreateClientAsync("staff");
        var (first, second) = (await TestAlbums.InsertAsync(connectionString, quantity: 1), await TestAlbums.InsertAsync(connectionString, quantity: 0));

        var created = await manager.PostAsJsonAsync("/api/suppliers", new { name = "Steady Pressings", avgDeliveryDays = 7, reliabilityScore = 95 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var supplierId = (await Json(created)).GetProperty("supplierId").GetGuid();
        var badPrices = await manager.PutAsJsonAsync($"/api/suppliers/{supplierId}/pricing",
            new { prices = new object[] { new { albumId = first, unitPrice = 10 }, new { albumId = Guid.NewGuid(), unitPrice = -1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, badPrices.StatusCode);
        Assert.True((await Json(badPrices)).GetProperty("errors").TryGetProperty("prices[1].unitPrice", out _));
        var priced = await manager.PutAsJsonAsync($"/api/suppliers/{supplierId}/pricing",
            new { prices = new object[] { new { albumId = first, unitPrice = 10, packSize = 5 }, new { albumId = second, unitPrice = 12.5 } } });
        Assert.Equal(HttpStatusCode.OK, priced.StatusCode);

        var events = new ConcurrentQueue<object>();
        await node.Services.GetRequiredService<IClusterClient>().GetStreamProvider(MistyStreams.Provider)
            .GetStream<object>(StreamId.Create(MistyStreams.Replenishment, MistyStreams.AllKey))
            .SubscribeAsync((item, _) =>
            {
                events.Enqueue(item);
                return Task.CompletedTask;
            });

        // Neither album has a forecast: their own optimal level (10) applies; the first orders whole packs of 5.
        var store = node.Services.GetRequiredService<ReplenishmentStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var line = (await store.PlanAsync(new PlanCandidate(first, "FIRST", 1, 0, 2, 10), today, ReplenishmentPolicy.Default, default)).Reorder!;
        var other = (await store.PlanAsync(new PlanCandidate(second, "SECOND", 0, 0, 2, 10), today, ReplenishmentPolicy.Default, default)).Reorder!;
        Assert.Equal((10, "medium", supplierId), (line.Quantity, line.Priority, line.SupplierId));
        Assert.Equal("critical", other.Priority);
        var ofFirst = await Json(await clerk.GetAsync($"/api/reorder-queue?albumId={first}"));
        Assert.Equal(1, ofFirst.GetProperty("total").GetInt32());
        Assert.Equal(line.ReorderId, ofFirst.GetProperty("items")[0].GetProperty("reorderId").GetGuid());

        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsync($"/api/reorder-queue/{line.ReorderId}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await clerk.PostAsync($"/api/reorder-queue/{line.ReorderId}/order", null)).StatusCode);
        foreach (var id in new[] { line.ReorderId, other.ReorderId })
        {
            Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/reorder-queue/{id}/approve", null)).StatusCode);
        }

        var pending = await Json(await clerk.GetAsync($"/api/reorder-queue?status=approved&supplierId={supplierId}"));
        Assert.Equal(2, pending.GetProperty("total").GetInt32());
        var ordered = await Json(await clerk.PostAsync($"/api/reorder-queue/{line.ReorderId}/order", null));
        var again = await Json(await clerk.PostAsync($"/api/reorder-queue/{other.ReorderId}/order", null));
        Assert.Equal(2, ordered.GetProperty("lines").GetArrayLength());
        Assert.Equal(ordered.GetProperty("purchaseOrderId").GetGuid(), again.GetProperty("purchaseOrderId").GetGuid());
        Assert.Equal(225m, ordered.GetProperty("totalCost").GetDecimal());

        var tooMany = await clerk.PostAsJsonAsync($"/api/reorder-queue/{line.ReorderId}/receive", new { quantity = 11 });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.True((await Json(tooMany)).GetProperty("errors").TryGetProperty("quantity", out _));
        var part = await Json(await clerk.PostAsJsonAsync($"/api/reorder-queue/{line.ReorderId}/receive", new { quantity = 4, unitCost = 9.5 }));
        Assert.Equal(("ordered", 4), (part.GetProperty("status").GetString(), part.GetProperty("receivedQuantity").GetInt32()));
        var rest = await Json(await clerk.PostAsJsonAsync($"/api/reorder-queue/{line.ReorderId}/receive", new { quantity = 6 }));
        Assert.Equal(("received", 10), (rest.GetProperty("status").GetString(), rest.GetProperty("receivedQuantity").GetInt32()));
        Assert.Equal(HttpStatusCode.Conflict, (await clerk.PostAsJsonAsync($"/api/reorder-queue/{line.ReorderId}/receive", new { quantity = 1 })).StatusCode);

        Assert.Equal(11, (await Json(await clerk.GetAsync($"/api/inventory/{first}"))).GetProperty("quantity").GetInt32());
        // The ledger rows are delivered from the album's grain just after its write.
        const string Receipts = """
            SELECT coalesce(string_agg(t.unit_price::text, ',' ORDER BY t.unit_price), '') FROM inventory_transactions t
            JOIN inventory i ON i.inventory_id = t.inventory_id
            WHERE i.album_id = @album AND t.transaction_type = 'restock' AND t.notes LIKE 'Received on purchase order%'
            """;
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<string>(connectionString, Receipts, ("album", first)) == "9.50,10.00"),
            await TestSql.ScalarAsync<string>(connectionString, Receipts, ("album", first)));
        var orders = await Json(await clerk.GetAsync($"/api/purchase-orders?supplierId={supplierId}"));
        Assert.Equal("open", orders.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal(2, (await TestSql.AuditRowsAsync(connectionString, "reorders.received")).Count);
        Assert.Single(await TestSql.AuditRowsAsync(connectionString, "reorders.ordered"));
        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(
            events.OfType<ReorderChanged>().Any(e => e.ReorderId == line.ReorderId && e.Status == "received"))));
        Assert.Contains(events.OfType<ReorderQueued>(), e => e.ReorderId == line.ReorderId && e.Insight.StartsWith("Sold 0 in 8 weeks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_filters_and_unknown_lines_get_problem_details()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var manager = await node.CreateClientAsync("manager");

        var bad = await manager.GetAsync("/api/reorder-queue?status=lost&supplierId=nope&albumId=x&pageSize=0");
        var errors = (await Json(bad)).GetProperty("errors");
        var missing = await manager.PostAsync($"/api/reorder-queue/{Guid.NewGuid()}/approve", null);
        var unnamed = await manager.PostAsJsonAsync("/api/suppliers", new { name = " ", reliabilityScore = 101 });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["albumId", "pageSize", "status", "supplierId"], errors.EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Equal(["name", "reliabilityScore"], (await Json(unnamed)).GetProperty("errors").EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM suppliers"));
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
