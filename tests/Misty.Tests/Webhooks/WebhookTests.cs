using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Misty.Tests.Infrastructure;
using Misty.Web.Webhooks;
using static Misty.Tests.Orders.OrderTestData;

namespace Misty.Tests.Webhooks;

[Collection(PostgresCollection.Name)]
public sealed class WebhookTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_subscriber_gets_every_version_of_a_new_order_signed_in_order_after_retries()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await AlbumAsync(connectionString, quantity: 10, price: 20m);
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Misty:Payments:Latency"] = "00:00:00",
                ["Misty:Payments:DeclineRate"] = "0",
                ["Misty:Webhooks:AllowPrivateAddresses"] = "true",
                ["Misty:Webhooks:RetryDelay"] = "00:00:00.200",
                ["Misty:Webhooks:PollInterval"] = "00:00:00.100",
            }));
        using var admin = await node.CreateStaffClientAsync();
        await AssertFieldErrorAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = "ftp://example.com/x", events = new[] { "OrderChanged" } }), "url");
        await AssertFieldErrorAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "Nope" } }), "events");
        using var staff = await node.CreateClientAsync("staff");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "OrderChanged" } })).StatusCode);

        var created = await BodyAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "OrderChanged" } }), HttpStatusCode.Created);
        var subscriber = created.GetProperty("subscriberId").GetGuid();
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var listed = await BodyAsync(await admin.GetAsync("/api/webhooks"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, Assert.Single(listed.EnumerateArray()).GetProperty("secret").ValueKind);

        var customer = await CustomerAsync(admin);
        var order = (await BodyAsync(await StaffOrderAsync(admin, customer, album, 1), HttpStatusCode.Created)).GetProperty("orderId").GetGuid();
        var shipment = (await BodyAsync(await admin.PostAsJsonAsync($"/api/orders/{order}/shipments", new { carrier = "DHL", trackingNumber = "JD1" }),
            HttpStatusCode.Created)).GetProperty("shipmentId").GetGuid();
        await BodyAsync(await admin.PostAsJsonAsync($"/api/shipments/{shipment}/status", new { status = "shipped" }), HttpStatusCode.OK);
        var finalVersion = (await BodyAsync(await admin.GetAsync($"/api/orders/{order}"), HttpStatusCode.OK)).GetProperty("version").GetInt64();

        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(
            receiver.Requests.Any(r => r.Accepted && Version(r) == finalVersion && OrderOf(r) == order)), 60));
        var received = receiver.Requests.Where(r => OrderOf(r) == order).ToList();
        foreach (var request in received)
        {
            Assert.True(WebhookSignature.Verify(secret, request.Headers[WebhookSignature.Header], request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)),
                $"bad signature: {request.Headers[WebhookSignature.Header]}");
            Assert.False(WebhookSignature.Verify("whsec_other", request.Headers[WebhookSignature.Header], request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
            using var body = JsonDocument.Parse(request.Body);
            Assert.Equal(("OrderChanged", request.Headers["Misty-Event-Id"]), (body.RootElement.GetProperty("type").GetString(), body.RootElement.GetProperty("id").GetString()));
            Assert.Equal(request.Headers["Misty-Event-Version"], body.RootElement.GetProperty("version").GetInt64().ToString());
        }

        // The first two attempts were refused: their event came again (at least once), and what was accepted went in
        // version order, every version of the order once at least.
        Assert.Contains(received.Skip(2), r => r.Accepted && r.Headers["Misty-Event-Id"] == received[0].Headers["Misty-Event-Id"]);
        var accepted = received.Where(r => r.Accepted).Select(Version).ToList();
        Assert.Equal(accepted.Order().ToList(), accepted);
        Assert.Equal(Enumerable.Range(1, (int)finalVersion).Select(v => (long)v), accepted.Distinct());
        using (var first = JsonDocument.Parse(received[0].Body))
        {
            Assert.StartsWith("MST-", first.RootElement.GetProperty("data").GetProperty("orderNumber").GetString(), StringComparison.Ordinal);
        }

        var log = await BodyAsync(await admin.GetAsync($"/api/webhooks/{subscriber}/deliveries"), HttpStatusCode.OK);
        Assert.All(log.EnumerateArray(), d => Assert.Equal(("delivered", 200), (d.GetProperty("status").GetString(), d.GetProperty("lastStatusCode").GetInt32())));
        Assert.Equal(received.Count, log.EnumerateArray().Sum(d => d.GetProperty("attempts").GetInt32()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/webhooks/{subscriber}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/webhooks/{subscriber}")).StatusCode);
    }

    [Fact]
    public async Task A_subscriber_failing_for_the_whole_retry_window_is_disabled_and_staff_are_told()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await AlbumAsync(connectionString, quantity: 10, price: 20m);
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Misty:Payments:Latency"] = "00:00:00",
                ["Misty:Webhooks:AllowPrivateAddresses"] = "true",
                ["Misty:Webhooks:RetryDelay"] = "00:00:00.200",
                ["Misty:Webhooks:PollInterval"] = "00:00:00.100",
                ["Misty:Webhooks:RetryWindow"] = "00:00:03",
            }));
        using var admin = await node.CreateStaffClientAsync();
        var subscriber = (await BodyAsync(await admin.PostAsJsonAsync("/api/webhooks", new { url = receiver.Url, events = new[] { "OrderChanged" } }),
            HttpStatusCode.Created)).GetProperty("subscriberId").GetGuid();
        await BodyAsync(await StaffOrderAsync(admin, await CustomerAsync(admin), album, 1), HttpStatusCode.Created);

        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            !(await BodyAsync(await admin.GetAsync($"/api/webhooks/{subscriber}"), HttpStatusCode.OK)).GetProperty("enabled").GetBoolean(), 30));
        var disabled = await BodyAsync(await admin.GetAsync($"/api/webhooks/{subscriber}"), HttpStatusCode.OK);
        Assert.Contains("HTTP 500", disabled.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.Contains(await TestSql.AuditRowsAsync(connectionString, "webhooks.disabled"), row => row.Message.Contains(subscriber.ToString(), StringComparison.Ordinal));
        var attempts = receiver.Requests.Count;
        Assert.True(attempts >= 2, $"only {attempts} attempt(s)");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(attempts, receiver.Requests.Count);
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("https://hooks.example.com/misty", null)]
    [InlineData("http://hooks.example.com/misty", "Only https URLs.")]
    [InlineData("https://127.0.0.1/hook", "Private, loopback and link-local addresses are not allowed.")]
    [InlineData("https://localhost/hook", "Private, loopback and link-local addresses are not allowed.")]
    [InlineData("https://10.1.2.3/hook", "Private, loopback and link-local addresses are not allowed.")]
    [InlineData("https://192.168.0.5/hook", "Private, loopback and link-local addresses are not allowed.")]
    [InlineData("https://169.254.169.254/latest", "Private, loopback and link-local addresses are not allowed.")]
    [InlineData("https://[::1]/hook", "Private, loopback and link-local addresses are not allowed.")]
    [InlineData("https://user:pw@hooks.example.com/", "The URL may not carry a user name or password.")]
    public void Only_https_to_public_addresses_unless_private_ones_are_allowed(string url, string? refusal)
    {
        Assert.Equal(refusal, WebhookAddresses.Refusal(url, allowPrivate: false));
        if (refusal is not null && !refusal.Contains("user name", StringComparison.Ordinal))
        {
            Assert.Null(WebhookAddresses.Refusal(url, allowPrivate: true));
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_signature_holds_for_its_body_and_secret_within_the_tolerance_only()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var header = WebhookSignature.Sign("whsec_a", now.ToUnixTimeSeconds(), "{\"id\":1}");
        Assert.Matches("^t=1800000000,v1=[0-9a-f]{64}$", header);
        Assert.True(WebhookSignature.Verify("whsec_a", header, "{\"id\":1}", now.AddMinutes(4), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_a", header, "{\"id\":2}", now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_b", header, "{\"id\":1}", now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_a", header, "{\"id\":1}", now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_a", null, "{\"id\":1}", now, TimeSpan.FromMinutes(5)));
    }

    private static long Version(WebhookReceiver.Received request) => long.Parse(request.Headers["Misty-Event-Version"]);

    private static Guid OrderOf(WebhookReceiver.Received request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("entityId").GetGuid();
    }
}
