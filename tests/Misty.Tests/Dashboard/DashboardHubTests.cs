using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Dashboard;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders;
using Misty.Tests.Cases;
using Misty.Tests.Infrastructure;
using Misty.Web.Dashboard;
using Misty.Web.Inventory;

namespace Misty.Tests.Dashboard;

[Collection(PostgresCollection.Name)]
public sealed class DashboardHubTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_reservation_through_the_API_reaches_a_subscribed_client_as_the_next_version()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 20);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        await using var client = (await LiveHubClient.ConnectAsync(node)).Record<StockChanged>(nameof(StockChanged));
        using var storefront = StorefrontCalls.Client(node);

        await client.Connection.InvokeAsync("SubscribeAlbum", album);
        var snapshot = await client.Connection.InvokeAsync<InventoryResponse>("GetAlbumSnapshot", album);
        await StorefrontCalls.ReserveAsync(storefront, album, 3);

        var changed = await client.NextAsync<StockChanged>(nameof(StockChanged), e => e.AlbumId == album, Wait);
        Assert.NotNull(changed);
        Assert.Equal(snapshot.Version + 1, changed.Version);
        Assert.Equal((20, 3, 17), (changed.Quantity, changed.Reserved, changed.Available));
        Assert.Equal(snapshot.Sku, changed.Sku);
    }

    [Fact]
    public async Task Only_staff_may_connect()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);

        var anonymous = new HubConnectionBuilder().WithUrl(new Uri(node.Address, OperationsHub.Path)).Build();
        var storefront = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Address, OperationsHub.Path), options => options.Headers["X-Api-Key"] = MistyWebNode.StorefrontKey)
            .Build();

        var refusedAnonymous = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
        var refusedStorefront = await Assert.ThrowsAsync<HttpRequestException>(() => storefront.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refusedAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedStorefront.StatusCode);
        await anonymous.DisposeAsync();
        await storefront.DisposeAsync();
    }

    [Fact]
    public async Task The_node_follows_an_album_while_any_local_client_does_and_stops_after_the_last()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 50);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var subscriptions = node.Services.GetRequiredService<StreamSubscriptions>();
        await using var first = (await LiveHubClient.ConnectAsync(node)).Record<StockChanged>(nameof(StockChanged));
        await using var second = (await LiveHubClient.ConnectAsync(node)).Record<StockChanged>(nameof(StockChanged));
        using var storefront = StorefrontCalls.Client(node);

        await first.Connection.InvokeAsync("SubscribeAlbum", album);
        await second.Connection.InvokeAsync("SubscribeAlbum", album);
        Assert.Equal(1, subscriptions.EntityStreamCount);

        await first.Connection.InvokeAsync("UnsubscribeAlbum", album);
        Assert.Equal(1, subscriptions.EntityStreamCount);
        await StorefrontCalls.ReserveAsync(storefront, album, 1);
        Assert.NotNull(await second.NextAsync<StockChanged>(nameof(StockChanged), _ => true, Wait));
        Assert.Null(await first.NextAsync<StockChanged>(nameof(StockChanged), _ => true, TimeSpan.FromMilliseconds(500)));

        // A closed connection leaves like an explicit unsubscribe does.
        await second.Connection.StopAsync();
        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(subscriptions.EntityStreamCount == 0), seconds: 5));
    }

    [Fact]
    public async Task The_dashboard_snapshot_holds_low_stock_and_figures_and_LowStock_events_follow()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var low = await TestAlbums.InsertAsync(connectionString, quantity: 1, reorderPoint: 2);
        var crossing = await TestAlbums.InsertAsync(connectionString, quantity: 5, reorderPoint: 2);
        await using var node = await MistyWebNode.StartAsync(connectionString);
        await using var client = (await LiveHubClient.ConnectAsync(node)).Record<LowStock>(nameof(LowStock));
        using var storefront = StorefrontCalls.Client(node);

        await client.Connection.InvokeAsync("SubscribeDashboard");
        var snapshot = await client.Connection.InvokeAsync<JsonElement>("GetDashboardSnapshot");
        var feeds = snapshot.GetProperty("feeds").EnumerateArray().Select(feed => feed.GetString()).ToList();
        Assert.Contains(nameof(StockChanged), feeds);
        Assert.Contains(nameof(LowStock), feeds);
        Assert.Contains(nameof(MetricsTick), feeds);
        var lowStock = snapshot.GetProperty("sections").GetProperty(nameof(LowStock)).EnumerateArray().ToList();
        var listed = Assert.Single(lowStock);
        Assert.Equal(low, listed.GetProperty("albumId").GetGuid());
        Assert.Equal(1, listed.GetProperty("available").GetInt32());
        var metrics = Assert.Single(snapshot.GetProperty("sections").GetProperty(nameof(MetricsTick)).EnumerateArray());
        Assert.True(metrics.GetProperty("version").GetInt64() >= 1);
        Assert.Equal(4, metrics.GetProperty("channels").GetArrayLength());
        Assert.Equal(MetricsTick.WindowMinutes, metrics.GetProperty("minutes").GetArrayLength());

        // 5 available, reorder point 2: holding 3 crosses it, and the all-albums feed says so without an album subscription.
        await StorefrontCalls.ReserveAsync(storefront, crossing, 3);
        var alert = await client.NextAsync<LowStock>(nameof(LowStock), e => e.AlbumId == crossing, Wait);
        Assert.NotNull(alert);
        Assert.Equal((2, 2), (alert.Available, alert.ReorderPoint));
    }
    [Fact]
    public async Task Open_cases_and_the_fraud_queue_are_in_the_snapshot_and_their_events_follow_until_the_order_is_decided()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var customer = await CaseTestData.InsertCustomerAsync(connectionString, "Mallory");
        var clerk = await CaseTestData.InsertStaffAsync(connectionString);
        var seeded = await CaseTestData.InsertSeededCaseAsync(connectionString, customer, clerk, "CS-261201-001", DateTimeOffset.UtcNow.AddHours(-2));
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        // Every payment is flagged: the test is about the queue, not about the model.
        await using var node = await MistyWebNode.StartAsync(connectionString,
            configure: builder => builder.Services.Configure<OrderOptions>(orders => orders.FraudThreshold = 0));
        await using var client = (await LiveHubClient.ConnectAsync(node))
            .Record<FraudAlert>(nameof(FraudAlert)).Record<OrderChanged>(nameof(OrderChanged)).Record<CaseChanged>(nameof(CaseChanged));
        await client.Connection.InvokeAsync("SubscribeDashboard");

        var before = await client.Connection.InvokeAsync<JsonElement>("GetDashboardSnapshot");
        var openCase = Assert.Single(Section(before, nameof(CaseChanged)));
        Assert.Equal((seeded, "in_progress"), (openCase.GetProperty("caseId").GetGuid(), openCase.GetProperty("status").GetString()));
        Assert.Empty(Section(before, nameof(FraudAlert)));

        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var orderId = Guid.NewGuid();
        var placed = await grains.GetGrain<IOrderGrain>(orderId).CreateAsync(new OrderDraft(customer, SalesChannel.Phone, null,
            [new OrderLineDraft(album, 1, 0)], "1 Elsewhere Road", PaymentMethod.Card, null, "user:test", "dashboard-test"));
        Assert.True(placed.Order!.HeldForReview);
        var alert = await client.NextAsync<FraudAlert>(nameof(FraudAlert), e => e.OrderId == orderId, Wait);
        Assert.NotNull(alert);
        // The review case the order opened comes as a case change too.
        var reviewCase = OrderIds.FraudCaseFor(alert.PaymentId);
        Assert.NotNull(await client.NextAsync<CaseChanged>(nameof(CaseChanged), e => e.CaseId == reviewCase, Wait));

        var queued = Assert.Single(Section(await client.Connection.InvokeAsync<JsonElement>("GetDashboardSnapshot"), nameof(FraudAlert)));
        Assert.Equal((alert.PaymentId, alert.Version), (queued.GetProperty("paymentId").GetGuid(), queued.GetProperty("version").GetInt64()));
        Assert.Equal(alert.Reasons, queued.GetProperty("reasons").EnumerateArray().Select(reason => reason.GetString()));

        await grains.GetGrain<IOrderGrain>(orderId).ReviewFraudAsync(approve: false, "user:manager");
        Assert.NotNull(await client.NextAsync<OrderChanged>(nameof(OrderChanged), e => e.OrderId == orderId && e.Status == "cancelled", Wait));
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            !Section(await client.Connection.InvokeAsync<JsonElement>("GetDashboardSnapshot"), nameof(FraudAlert)).Any()));
    }

    private static IEnumerable<JsonElement> Section(JsonElement snapshot, string name) =>
        snapshot.GetProperty("sections").TryGetProperty(name, out var items) ? items.EnumerateArray() : [];
}
