using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Misty.Grains.Hosting;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders.Payments;
using Misty.Persistence;
using Misty.Silo.Commands;
using Misty.Tests.Infrastructure;
using Misty.Web.Webhooks;
using static Misty.Tests.Orders.OrderTestData;

namespace Misty.Tests.Payments;

[Collection(PostgresCollection.Name)]
public sealed class StripePaymentTests(PostgresFixture postgres)
{
    private const string WebhookSecret = "whsec_stand_in_secret";

    [Fact]
    public async Task A_Stripe_configured_order_is_charged_through_the_stand_in_with_Misty_idempotency_key_and_refunded_on_cancel()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await AlbumAsync(connectionString, quantity: 10, price: 20m);
        await using var stripe = await StripeStandIn.StartAsync();
        await using var node = await StartStripeNodeAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        await ConfigureStripeAsync(admin, stripe);
        var customer = await CustomerAsync(admin);

        var order = await BodyAsync(await CardOrderAsync(admin, customer, album, "pm_card_visa"), HttpStatusCode.Created);
        Assert.Equal("processing", order.GetProperty("status").GetString());
        var paymentId = order.GetProperty("payment").GetProperty("paymentId").GetGuid();
        var create = Assert.Single(stripe.Calls, call => call.Path == "/v1/payment_intents");
        Assert.Equal(($"misty-charge-{paymentId}", "Bearer sk_test_stand_in"), (create.IdempotencyKey, create.Authorization));
        // 2 x 20.00 + 8 % tax + 5.99 shipping, in cents.
        Assert.Equal(("4919", "usd", "pm_card_visa", "true", paymentId.ToString()),
            (create.Form["amount"], create.Form["currency"], create.Form["payment_method"], create.Form["confirm"], create.Form["metadata[misty_payment_id]"]));
        var orderId = order.GetProperty("orderId").GetGuid();
        var view = await BodyAsync(await admin.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.OK);
        var intentId = Assert.Single(view.GetProperty("payments").EnumerateArray()).GetProperty("transactionId").GetString()!;
        Assert.StartsWith("pi_", intentId, StringComparison.Ordinal);

        await BodyAsync(await admin.PostAsync($"/api/orders/{orderId}/cancel", null), HttpStatusCode.OK);
        var refund = Assert.Single(stripe.Calls, call => call.Path == "/v1/refunds");
        Assert.Equal((intentId, $"misty-refund-{paymentId}"), (refund.Form["payment_intent"], refund.IdempotencyKey));
        view = await BodyAsync(await admin.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal(("cancelled", "refunded"), (view.GetProperty("status").GetString(),
            Assert.Single(view.GetProperty("payments").EnumerateArray()).GetProperty("status").GetString()));

        // A decline is Stripe's answer: the order is cancelled with the card error's message.
        var declined = await BodyAsync(await CardOrderAsync(admin, customer, album, "pm_card_chargeDeclined"), HttpStatusCode.Created);
        Assert.Equal("cancelled", declined.GetProperty("status").GetString());
        var declinedView = await BodyAsync(await admin.GetAsync($"/api/orders/{declined.GetProperty("orderId").GetGuid()}"), HttpStatusCode.OK);
        var failed = Assert.Single(declinedView.GetProperty("payments").EnumerateArray());
        Assert.Equal(("failed", "Your card was declined."), (failed.GetProperty("status").GetString(), failed.GetProperty("failureReason").GetString()));
    }

    [Fact]
    public async Task A_timed_out_charge_is_settled_by_Stripe_webhook_and_a_replayed_or_forged_webhook_changes_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await AlbumAsync(connectionString, quantity: 10, price: 20m);
        await using var stripe = await StripeStandIn.StartAsync();
        await using var node = await StartStripeNodeAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        await ConfigureStripeAsync(admin, stripe);
        var customer = await CustomerAsync(admin);

        // The first create does not answer within the gateway timeout: the payment stays pending.
        var slow = await BodyAsync(await CardOrderAsync(admin, customer, album, "pm_card_slow"), HttpStatusCode.Created);
        Assert.Equal("pending", slow.GetProperty("status").GetString());
        var slowId = slow.GetProperty("orderId").GetGuid();
        var slowPayment = slow.GetProperty("payment").GetProperty("paymentId").GetGuid();
        await PaymentRowAsync(connectionString, slowPayment);
        var succeeded = Event("evt_slow_succeeded", "payment_intent.succeeded", new
        {
            id = "pi_unknown_to_misty",
            @object = "payment_intent",
            status = "succeeded",
            amount = 4919,
            currency = "usd",
            metadata = new Dictionary<string, string> { ["misty_payment_id"] = slowPayment.ToString() },
        });
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(node, succeeded, WebhookSecret)).StatusCode);
        var settled = await BodyAsync(await admin.GetAsync($"/api/orders/{slowId}"), HttpStatusCode.OK);
        Assert.Equal("processing", settled.GetProperty("status").GetString());
        // Both creates carried the same idempotency key: one charge.
        Assert.All(stripe.Calls.Where(call => call.Path == "/v1/payment_intents"), call => Assert.Equal($"misty-charge-{slowPayment}", call.IdempotencyKey));

        // Refunded from Stripe's dashboard: charge.refunded, sent twice, refunds the payment once.
        var paid = await BodyAsync(await CardOrderAsync(admin, customer, album, "pm_card_visa"), HttpStatusCode.Created);
        var paidId = paid.GetProperty("orderId").GetGuid();
        await PaymentRowAsync(connectionString, paid.GetProperty("payment").GetProperty("paymentId").GetGuid());
        var intentId = Assert.Single((await BodyAsync(await admin.GetAsync($"/api/orders/{paidId}"), HttpStatusCode.OK))
            .GetProperty("payments").EnumerateArray()).GetProperty("transactionId").GetString()!;
        var refunded = Event("evt_refunded_once", "charge.refunded", new
        {
            id = "ch_" + intentId[3..],
            @object = "charge",
            amount = 4919,
            amount_refunded = 4919,
            currency = "usd",
            refunded = true,
            payment_intent = intentId,
        });
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(node, refunded, "whsec_forged")).StatusCode);
        Assert.Equal("completed", await PaymentStatusAsync(admin, paidId));
        Assert.Equal("applied", (await BodyAsync(await PostWebhookAsync(node, refunded, WebhookSecret), HttpStatusCode.OK)).GetProperty("outcome").GetString());
        Assert.Equal("refunded", await PaymentStatusAsync(admin, paidId));
        var version = (await BodyAsync(await admin.GetAsync($"/api/orders/{paidId}"), HttpStatusCode.OK)).GetProperty("version").GetInt64();
        var replay = await BodyAsync(await PostWebhookAsync(node, refunded, WebhookSecret), HttpStatusCode.OK);
        Assert.Equal(("evt_refunded_once", "charge.refunded", "already_applied"),
            (replay.GetProperty("eventId").GetString(), replay.GetProperty("type").GetString(), replay.GetProperty("outcome").GetString()));
        Assert.Equal(version, (await BodyAsync(await admin.GetAsync($"/api/orders/{paidId}"), HttpStatusCode.OK)).GetProperty("version").GetInt64());
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM stripe_events WHERE event_id = 'evt_refunded_once'"));
    }

    [Fact]
    public async Task A_headless_silo_charges_and_refunds_through_the_Stripe_integration_of_a_web_node()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var stripe = await StripeStandIn.StartAsync();
        await using var node = await StartStripeNodeAsync(connectionString);
        using var admin = await node.CreateStaffClientAsync();
        await ConfigureStripeAsync(admin, stripe);

        // A second member of the node's cluster, built as Misty.Silo builds its headless silo.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MISTY_DB"] = connectionString,
            ["MISTY_CLUSTER_ID"] = MistyWebNode.DefaultClusterId,
            ["MISTY_SILO_PORT"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
            ["MISTY_GATEWAY_PORT"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
        });
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        using var silo = RunCommand.BuildSilo(builder, MistyOptions.FromConfiguration(builder.Configuration), database);
        await silo.StartAsync();
        var gateway = silo.Services.GetRequiredService<IPaymentGateway>();

        var key = Guid.NewGuid().ToString();
        var charged = await gateway.ChargeAsync(new GatewayCharge(key, 12.34m, PaymentMethod.Card, "pm_card_visa", "headless"), CancellationToken.None);
        Assert.Equal(GatewayOutcome.Approved, charged.Outcome);
        Assert.StartsWith("pi_", charged.TransactionId, StringComparison.Ordinal);
        var create = Assert.Single(stripe.Calls, call => call.Path == "/v1/payment_intents");
        Assert.Equal(($"misty-charge-{key}", "1234", "Bearer sk_test_stand_in"), (create.IdempotencyKey, create.Form["amount"], create.Authorization));
        var declined = await gateway.ChargeAsync(new GatewayCharge(Guid.NewGuid().ToString(), 5m, PaymentMethod.Card, "pm_card_chargeDeclined", "headless"), CancellationToken.None);
        Assert.Equal(GatewayOutcome.Declined, declined.Outcome);

        Assert.Equal(GatewayOutcome.Refunded, (await gateway.RefundAsync(key, CancellationToken.None)).Outcome);
        Assert.Equal($"misty-refund-{key}", Assert.Single(stripe.Calls, call => call.Path == "/v1/refunds").IdempotencyKey);
        await silo.StopAsync();
    }

    /// <summary>Waits for the payment's row, which Stripe's webhook is matched against.</summary>
    private static async Task PaymentRowAsync(string connectionString, Guid payment) =>
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM payments WHERE payment_id = @p", ("p", payment)) == 1));

    private static Task<MistyWebNode> StartStripeNodeAsync(string connectionString) =>
        MistyWebNode.StartAsync(connectionString, configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Misty:Orders:GatewayTimeout"] = "00:00:02",
        }));

    private static async Task ConfigureStripeAsync(HttpClient admin, StripeStandIn stripe)
    {
        var response = await admin.PutAsJsonAsync("/api/integrations/stripe", new
        {
            category = "payments",
            connected = true,
            settings = new { apiBase = stripe.ApiBase, currency = "usd" },
            credentials = new { secretKey = "sk_test_stand_in", webhookSecret = WebhookSecret },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> CardOrderAsync(HttpClient staff, Guid customer, Guid album, string token) =>
        staff.PostAsJsonAsync("/api/orders", new
        {
            lines = new[] { new { albumId = album, quantity = 2 } },
            customerId = customer,
            channel = "phone",
            payment = new { method = "card", token },
        });

    private static async Task<string> PaymentStatusAsync(HttpClient admin, Guid order) =>
        Assert.Single((await BodyAsync(await admin.GetAsync($"/api/orders/{order}"), HttpStatusCode.OK)).GetProperty("payments").EnumerateArray())
            .GetProperty("status").GetString()!;

    /// <summary>A Stripe event as Stripe's webhooks send it.</summary>
    private static string Event(string id, string type, object dataObject) => JsonSerializer.Serialize(new
    {
        id,
        @object = "event",
        api_version = "2025-01-27.acacia",
        created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        livemode = false,
        pending_webhooks = 1,
        type,
        data = new { @object = dataObject },
    });

    /// <summary>Signed as Stripe signs: t=timestamp,v1=HMAC-SHA256(secret, "t.body").</summary>
    private static async Task<HttpResponseMessage> PostWebhookAsync(MistyWebNode node, string json, string secret)
    {
        using var client = node.CreateClient();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/stripe/webhook") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={WebhookSignature.Hmac(secret, $"{timestamp}.{json}")}"));
        return await client.SendAsync(request);
    }
}
