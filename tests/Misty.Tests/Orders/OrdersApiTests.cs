using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders.Payments;
using Misty.Tests.Infrastructure;
using Orleans.Streams;
using static Misty.Tests.Orders.OrderTestData;

namespace Misty.Tests.Orders;

[Collection(PostgresCollection.Name)]
public sealed class OrdersApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_storefront_order_from_a_committed_reservation_is_priced_numbered_projected_and_counted_for_its_customer_only()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await AlbumAsync(connectionString, quantity: 10, price: 19.99m, genre: "Jazz");
        var other = await AlbumAsync(connectionString, quantity: 10, price: 30m);
        await using var node = await StartNodeAsync(connectionString);
        using var storefront = node.CreateStorefrontClient();
        var customer = await CustomerAsync(storefront);
        var stranger = await CustomerAsync(storefront);
        // The site signs its customers in and sends their tokens; the order's customer comes from the token.
        using var asCustomer = await node.CreateCustomerClientAsync(customer);
        using var asStranger = await node.CreateCustomerClientAsync(stranger);

        var reservation = await ReservationAsync(storefront, album, 3, commit: true);
        var order = new { reservationId = reservation, payment = new { method = "card" } };
        var created = await BodyAsync(await asCustomer.PostAsJsonAsync("/api/orders", order), HttpStatusCode.Created);
        Assert.Equal(customer, created.GetProperty("customerId").GetGuid());
        var orderId = created.GetProperty("orderId").GetGuid();
        // 3 x 19.99 = 59.97; 8 % tax = 4.7976 -> 4.80; under 75, so standard shipping 5.99.
        Assert.Equal(70.76m, created.GetProperty("total").GetDecimal());
        Assert.Equal("processing", created.GetProperty("status").GetString());
        Assert.Matches($"^MST-{DateTime.UtcNow.Year}-\\d{{6}}$", created.GetProperty("orderNumber").GetString());
        var payment = created.GetProperty("payment");
        Assert.Equal(("completed", false), (payment.GetProperty("status").GetString(), payment.GetProperty("fraudFlagged").GetBoolean()));
        Assert.InRange(payment.GetProperty("fraudScore").GetDecimal(), 0, 59);
        Assert.NotEmpty(payment.GetProperty("fraudReasons").EnumerateArray());

        // A retry gets the same order; another reservation gets another number.
        var again = await BodyAsync(await asCustomer.PostAsJsonAsync("/api/orders", order), HttpStatusCode.Created);
        Assert.Equal((orderId, created.GetProperty("orderNumber").GetString()), (again.GetProperty("orderId").GetGuid(), again.GetProperty("orderNumber").GetString()));
        var second = await BodyAsync(await asCustomer.PostAsJsonAsync("/api/orders",
            new { reservationId = await ReservationAsync(storefront, album, 1, commit: true), customerId = customer, payment = new { method = "card" } }),
            HttpStatusCode.Created);
        Assert.NotEqual(created.GetProperty("orderNumber").GetString(), second.GetProperty("orderNumber").GetString());

        var view = await BodyAsync(await asCustomer.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal((59.97m, 4.80m, 5.99m, 70.76m), (view.GetProperty("subtotal").GetDecimal(), view.GetProperty("tax").GetDecimal(),
            view.GetProperty("shippingFee").GetDecimal(), view.GetProperty("total").GetDecimal()));
        var item = Assert.Single(view.GetProperty("items").EnumerateArray());
        Assert.Equal((album, 3, 19.99m, 59.97m), (item.GetProperty("albumId").GetGuid(), item.GetProperty("quantity").GetInt32(),
            item.GetProperty("unitPrice").GetDecimal(), item.GetProperty("total").GetDecimal()));
        Assert.Equal("12 Elm Street, Springfield", view.GetProperty("shippingAddress").GetString());

        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await OrderRowAsync(connectionString, orderId, "status") == "processing"
            && await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM payments WHERE order_id = @o AND status = 'completed'", ("o", orderId)) == 1));
        Assert.Equal("70.76", await OrderRowAsync(connectionString, orderId, "total"));
        Assert.Equal(created.GetProperty("orderNumber").GetString(), await OrderRowAsync(connectionString, orderId, "order_number"));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM order_items WHERE order_id = @o AND total = 59.97", ("o", orderId)));

        // The customer: lifetime value, purchases, genre and segment follow the paid orders (59.97 + 19.99 + tax + shipping).
        var secondTotal = second.GetProperty("total").GetDecimal();
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            (await asCustomer.GetFromJsonAsync<JsonElement>($"/api/customers/{customer}")).GetProperty("totalPurchases").GetInt32() == 2));
        var profile = await asCustomer.GetFromJsonAsync<JsonElement>($"/api/customers/{customer}");
        Assert.Equal(70.76m + secondTotal, profile.GetProperty("lifetimeValue").GetDecimal());
        Assert.Equal("Jazz", profile.GetProperty("preferredGenre").GetString());
        Assert.Equal("new_customer", profile.GetProperty("segment").GetProperty("segmentType").GetString());
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<decimal>(connectionString, "SELECT lifetime_value FROM customers WHERE customer_id = @c", ("c", customer)) == 70.76m + secondTotal
            && await TestSql.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM customer_segments WHERE customer_id = @c AND segment_type = 'new_customer'", ("c", customer)) == 1));

        // Reviews: verified for the album bought, not for one never bought.
        var verified = await BodyAsync(await asCustomer.PostAsJsonAsync("/api/reviews",
            new { customerId = customer, albumId = album, rating = 5, reviewText = "Wonderful pressing, quiet vinyl." }), HttpStatusCode.Created);
        var unverified = await BodyAsync(await asCustomer.PostAsJsonAsync("/api/reviews",
            new { customerId = customer, albumId = other, rating = 2, reviewText = "Never heard it." }), HttpStatusCode.Created);
        Assert.Equal((true, false), (verified.GetProperty("verifiedPurchase").GetBoolean(), unverified.GetProperty("verifiedPurchase").GetBoolean()));
        await AssertFieldErrorAsync(await asCustomer.PostAsJsonAsync("/api/reviews", new { customerId = customer, albumId = album, rating = 6 }), "rating");
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM reviews WHERE customer_id = @c AND verified_purchase = (album_id = @a)", ("c", customer), ("a", album)) == 2));

        // A storefront caller sees only the orders of its token's customer; naming a customer without their token gets nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await asStranger.GetAsync($"/api/orders/{orderId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asStranger.GetAsync($"/api/orders/{orderId}?customerId={customer}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/orders/{orderId}?customerId={customer}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/orders/{orderId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asStranger.PostAsync($"/api/orders/{orderId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.PostAsync($"/api/orders/{orderId}/cancel?customerId={customer}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/orders?customerId={customer}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/customers/{customer}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asStranger.GetAsync($"/api/orders?customerId={customer}")).StatusCode);
        Assert.Empty((await asStranger.GetFromJsonAsync<JsonElement>("/api/orders")).GetProperty("items").EnumerateArray());
        var expected = new[] { orderId, second.GetProperty("orderId").GetGuid() }.Order().ToList();
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            (await asCustomer.GetFromJsonAsync<JsonElement>("/api/orders")).GetProperty("items").EnumerateArray()
                .Select(row => row.GetProperty("orderId").GetGuid()).Order().SequenceEqual(expected)));
    }

    [Fact]
    public async Task A_staff_in_store_sale_is_priced_with_its_discount_sold_at_the_till_and_bad_input_writes_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await AlbumAsync(connectionString, quantity: 5, price: 25m);
        await using var node = await StartNodeAsync(connectionString);
        using var staff = await node.CreateClientAsync("staff");

        var email = $"walk-in-{Guid.NewGuid():N}@test.misty";
        var sale = await BodyAsync(await staff.PostAsJsonAsync("/api/orders", new
        {
            lines = new[] { new { albumId = album, quantity = 2, discount = 5.00m } },
            customer = new { email, firstName = "Walk", lastName = "In" },
            channel = "in-store",
            payment = new { method = "cash" },
        }), HttpStatusCode.Created);
        var orderId = sale.GetProperty("orderId").GetGuid();
        // 2 x 25 - 5 = 45.00; 8 % tax = 3.60; nothing shipped.
        Assert.Equal((48.60m, "delivered"), (sale.GetProperty("total").GetDecimal(), sale.GetProperty("status").GetString()));
        Assert.Equal(0m, sale.GetProperty("payment").GetProperty("fraudScore").GetDecimal());
        var inventory = await InventoryAsync(staff, album);
        Assert.Equal((3, 0), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32()));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await LedgerAsync(connectionString, orderId, "sale") == -2));

        // The walk-in customer: found by search, with the interaction and its sentiment projected.
        var customerId = sale.GetProperty("customerId").GetGuid();
        var interaction = await BodyAsync(await staff.PostAsJsonAsync($"/api/customers/{customerId}/interactions",
            new { interactionType = "in_store", summary = "Loved the recommendations, thank you so much!" }), HttpStatusCode.Created);
        Assert.Equal("positive", interaction.GetProperty("sentiment").GetString());
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync($"/api/customers/{customerId}/interactions", new { interactionType = "fax", summary = "?" }),
            "interactionType");
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsJsonAsync($"/api/customers/{Guid.NewGuid()}/interactions",
            new { interactionType = "email", summary = "Hello" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsJsonAsync("/api/customers", new { email, firstName = "Again", lastName = "In" })).StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM customer_interactions WHERE customer_id = @c AND interaction_type = 'in_store' AND sentiment = 'positive'", ("c", customerId)) == 1
            && (await staff.GetFromJsonAsync<JsonElement>($"/api/customers?search={email}&segment=new_customer")).GetProperty("items")
                .EnumerateArray().Any(row => row.GetProperty("customerId").GetGuid() == customerId)));
        Assert.Empty((await staff.GetFromJsonAsync<JsonElement>($"/api/customers?search={email}&segment=vip_collector")).GetProperty("items").EnumerateArray());

        // Handed over at the till: a delivered order cannot be cancelled.
        var refused = await staff.PostAsync($"/api/orders/{orderId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        object Order(object lines, string channel = "in-store", object? payment = null, Guid? customerId = null) =>
            new { lines, customerId = customerId ?? sale.GetProperty("customerId").GetGuid(), channel, payment = payment ?? new { method = "card" } };
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync("/api/orders", Order(new[] { new { albumId = album, quantity = 0 } })), "lines[0].quantity");
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync("/api/orders", Order(new[] { new { albumId = album, quantity = 1 } }, "drive-thru")), "channel");
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync("/api/orders",
            Order(new[] { new { albumId = album, quantity = 1 } }, payment: new { method = "cheque" })), "payment.method");
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync("/api/orders",
            Order(new[] { new { albumId = album, quantity = 1, discount = 25.01m } })), "lines");
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync("/api/orders",
            Order(new[] { new { albumId = Guid.NewGuid(), quantity = 1 } })), "lines");
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync("/api/orders",
            Order(new[] { new { albumId = album, quantity = 1 } }, customerId: Guid.NewGuid())), "customerId");
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync("/api/orders", new { customerId = Guid.NewGuid(), channel = "phone", payment = new { method = "card" } }), "lines");
        var malformed = await staff.PostAsync("/api/orders", new StringContent("{\"lines\": \"many\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        // None of the refused orders held or wrote anything.
        inventory = await InventoryAsync(staff, album);
        Assert.Equal((3, 0), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32()));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await OrderRowAsync(connectionString, orderId, "status") == "delivered"));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM orders"));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM customers WHERE email = @e", ("e", email)));
    }

    [Fact]
    public async Task Shipments_carry_the_order_to_delivered_refunds_need_a_manager_and_cancelling_a_shipped_order_returns_its_units()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await AlbumAsync(connectionString, quantity: 10, price: 40m);
        await using var node = await StartNodeAsync(connectionString);
        using var staff = await node.CreateClientAsync("staff");
        using var manager = await node.CreateClientAsync("manager");
        var customer = await CustomerAsync(staff);

        var order = await BodyAsync(await StaffOrderAsync(staff, customer, album, 2), HttpStatusCode.Created);
        var orderId = order.GetProperty("orderId").GetGuid();
        Assert.Equal("processing", order.GetProperty("status").GetString());
        var before = DateTimeOffset.UtcNow;
        var shipment = await BodyAsync(await staff.PostAsJsonAsync($"/api/orders/{orderId}/shipments", new { carrier = "UPS", trackingNumber = "1Z999AA10123456784" }),
            HttpStatusCode.Created);
        var shipmentId = shipment.GetProperty("shipmentId").GetGuid();
        Assert.Equal(("preparing", "processing"), (shipment.GetProperty("status").GetString(), shipment.GetProperty("orderStatus").GetString()));
        // A day of handling plus UPS's published three days, as there are no UPS deliveries to average over yet.
        Assert.InRange(shipment.GetProperty("estimatedDelivery").GetDateTimeOffset(), before.AddDays(4).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(4).AddMinutes(1));

        async Task<JsonElement> MoveAsync(Guid id, string status, HttpStatusCode expected = HttpStatusCode.OK) =>
            await BodyAsync(await staff.PostAsJsonAsync($"/api/shipments/{id}/status", new { status }), expected);
        Assert.Equal("shipped", (await MoveAsync(shipmentId, "shipped")).GetProperty("orderStatus").GetString());
        Assert.Equal("shipped", (await MoveAsync(shipmentId, "in_transit")).GetProperty("orderStatus").GetString());
        var delivered = await MoveAsync(shipmentId, "delivered");
        Assert.Equal("delivered", delivered.GetProperty("orderStatus").GetString());
        Assert.NotEqual(JsonValueKind.Null, delivered.GetProperty("actualDelivery").ValueKind);
        await MoveAsync(shipmentId, "in_transit", HttpStatusCode.Conflict);
        await AssertFieldErrorAsync(await staff.PostAsJsonAsync($"/api/shipments/{shipmentId}/status", new { status = "lost" }), "status");
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsJsonAsync($"/api/shipments/{Guid.NewGuid()}/status", new { status = "shipped" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/orders/{orderId}/cancel", null)).StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await OrderRowAsync(connectionString, orderId, "status") == "delivered"
            && await TestSql.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM shipments WHERE shipment_id = @s AND status = 'delivered' AND actual_delivery IS NOT NULL AND carrier = 'UPS'",
                ("s", shipmentId)) == 1));

        // Refunds are a manager's call; the money leaves the customer's lifetime value.
        var paymentId = order.GetProperty("payment").GetProperty("paymentId").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync($"/api/payments/{paymentId}/refund", null)).StatusCode);
        var refund = await BodyAsync(await manager.PostAsync($"/api/payments/{paymentId}/refund", null), HttpStatusCode.OK);
        Assert.Equal("refunded", refund.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/payments/{paymentId}/refund", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync($"/api/payments/{Guid.NewGuid()}/refund", null)).StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM payments WHERE payment_id = @p AND status = 'refunded'", ("p", paymentId)) == 1
            && (await staff.GetFromJsonAsync<JsonElement>($"/api/customers/{customer}")).GetProperty("lifetimeValue").GetDecimal() == 0m));

        // A shipped order that staff cancel: its units come back through the ledger; its payment stays completed until a
        // manager decides (staff cannot refund through cancel), and the refund is audited as a refund.
        var returned = await BodyAsync(await StaffOrderAsync(staff, customer, album, 3), HttpStatusCode.Created);
        var returnedId = returned.GetProperty("orderId").GetGuid();
        var parcel = await BodyAsync(await staff.PostAsJsonAsync($"/api/orders/{returnedId}/shipments", new { carrier = "DHL", trackingNumber = "JD0146" }),
            HttpStatusCode.Created);
        await MoveAsync(parcel.GetProperty("shipmentId").GetGuid(), "shipped");
        Assert.Equal(5, (await InventoryAsync(staff, album)).GetProperty("quantity").GetInt32());
        var cancelled = await BodyAsync(await staff.PostAsync($"/api/orders/{returnedId}/cancel", null), HttpStatusCode.OK);
        Assert.Equal(("cancelled", "completed", true), (cancelled.GetProperty("status").GetString(),
            cancelled.GetProperty("payments")[0].GetProperty("status").GetString(), cancelled.GetProperty("refundDecisionPending").GetBoolean()));
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync($"/api/orders/{returnedId}/refund-decision", new { refund = true })).StatusCode);
        await AssertFieldErrorAsync(await manager.PostAsJsonAsync($"/api/orders/{returnedId}/refund-decision", new { }), "refund");
        var decided = await BodyAsync(await manager.PostAsJsonAsync($"/api/orders/{returnedId}/refund-decision", new { refund = true }), HttpStatusCode.OK);
        Assert.Equal(("refunded", false), (decided.GetProperty("payments")[0].GetProperty("status").GetString(), decided.GetProperty("refundDecisionPending").GetBoolean()));
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync($"/api/orders/{returnedId}/refund-decision", new { refund = true })).StatusCode);
        var returnedPayment = returned.GetProperty("payment").GetProperty("paymentId").GetGuid().ToString();
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM system_logs WHERE source = 'audit' AND metadata->>'action' = 'orders.payment_refunded' AND metadata->>'paymentId' = @p AND metadata->>'via' = 'refund-decision'",
            ("p", returnedPayment)));
        Assert.Equal(8, (await InventoryAsync(staff, album)).GetProperty("quantity").GetInt32());
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await LedgerAsync(connectionString, returnedId, "sale") == -3 && await LedgerAsync(connectionString, returnedId, "return") == 3
            && await OrderRowAsync(connectionString, returnedId, "status") == "cancelled"));
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/orders/{returnedId}/cancel", null)).StatusCode);

        // A declined card: the payment fails, the order is cancelled and its held units go back on the shelf.
        var declined = await BodyAsync(await staff.PostAsJsonAsync("/api/orders", new
        {
            lines = new[] { new { albumId = album, quantity = 4 } },
            customerId = customer,
            channel = "phone",
            payment = new { method = "card", token = SimulatedPaymentGateway.DeclineToken },
        }), HttpStatusCode.Created);
        Assert.Equal(("cancelled", "failed"), (declined.GetProperty("status").GetString(), declined.GetProperty("payment").GetProperty("status").GetString()));
        var inventory = await InventoryAsync(staff, album);
        Assert.Equal((8, 0), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32()));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM payments WHERE order_id = @o AND status = 'failed'", ("o", declined.GetProperty("orderId").GetGuid())) == 1));
        Assert.Equal(0L, await LedgerAsync(connectionString, declined.GetProperty("orderId").GetGuid(), "sale"));

        // The list filters the rows by status, channel and order date.
        async Task<List<Guid>> ListAsync(string query) => [.. (await staff.GetFromJsonAsync<JsonElement>($"/api/orders?{query}")).GetProperty("items")
            .EnumerateArray().Select(row => row.GetProperty("orderId").GetGuid()).Order()];
        var today = cancelled.GetProperty("orderDate").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new[] { returnedId, declined.GetProperty("orderId").GetGuid() }.Order(), await ListAsync($"status=cancelled&channel=phone&from={today}&to={today}"));
        Assert.Equal([orderId], await ListAsync($"status=delivered&customerId={customer}"));
        Assert.Empty(await ListAsync("channel=in-store"));
        Assert.Empty(await ListAsync($"to={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}"));
        await AssertFieldErrorAsync(await staff.GetAsync("/api/orders?status=lost"), "status");
    }

    [Fact]
    public async Task A_high_risk_payment_is_flagged_held_alerted_and_cased_and_cancelling_releases_the_held_stock()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var rare = await AlbumAsync(connectionString, quantity: 1, price: 400m, rare: true);
        await using var node = await StartNodeAsync(connectionString);
        using var storefront = node.CreateStorefrontClient();
        var customer = await CustomerAsync(storefront);
        using var asCustomer = await node.CreateCustomerClientAsync(customer);
        var alerts = new ConcurrentQueue<FraudAlert>();
        var subscription = await node.FollowAllAsync<FraudAlert>(MistyStreams.Fraud, alerts.Enqueue);

        // A brand-new customer, a $400 rare record, shipped somewhere other than their address.
        var reservation = await ReservationAsync(storefront, rare, 1, commit: false);
        var created = await BodyAsync(await asCustomer.PostAsJsonAsync("/api/orders", new
        {
            reservationId = reservation,
            customerId = customer,
            shippingAddress = "Unit 9, 1 Dock Road, Elsewhere",
            payment = new { method = "card" },
        }), HttpStatusCode.Created);
        var orderId = created.GetProperty("orderId").GetGuid();
        var payment = created.GetProperty("payment");
        Assert.True(payment.GetProperty("fraudFlagged").GetBoolean(), payment.ToString());
        Assert.InRange(payment.GetProperty("fraudScore").GetDecimal(), 60, 100);
        Assert.Equal("pending", payment.GetProperty("status").GetString());
        var codes = payment.GetProperty("fraudReasons").EnumerateArray().Select(reason => reason.GetProperty("code").GetString()).ToList();
        Assert.Contains("new_customer_high_value", codes);
        Assert.Contains("address_mismatch", codes);
        Assert.Contains("rare_items", codes);
        Assert.Equal(("pending", true), (created.GetProperty("status").GetString(), created.GetProperty("heldForReview").GetBoolean()));

        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(alerts.Any(alert => alert.OrderId == orderId))));
        await subscription.UnsubscribeAsync();
        var alert = alerts.Single(candidate => candidate.OrderId == orderId);
        Assert.Equal((customer, payment.GetProperty("paymentId").GetGuid(), 1L), (alert.CustomerId, alert.PaymentId, alert.Version));
        Assert.Equal(payment.GetProperty("fraudScore").GetDecimal(), alert.FraudScore);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM cases WHERE customer_id = @c AND subject LIKE 'Payment review for order %' AND priority = 'high'", ("c", customer)) == 1
            && await TestSql.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM payments WHERE order_id = @o AND fraud_flagged AND status = 'pending'", ("o", orderId)) == 1));

        // Held for review: the single copy stays held, nothing is sold.
        var inventory = await InventoryAsync(storefront, rare);
        Assert.Equal((1, 1), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32()));
        var cancelled = await BodyAsync(await asCustomer.PostAsync($"/api/orders/{orderId}/cancel", null), HttpStatusCode.OK);
        Assert.Equal(("cancelled", "failed"), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("payments")[0].GetProperty("status").GetString()));
        inventory = await InventoryAsync(storefront, rare);
        Assert.Equal((1, 0, 1), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32(),
            inventory.GetProperty("available").GetInt32()));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await OrderRowAsync(connectionString, orderId, "status") == "cancelled"));
        Assert.Equal(0L, await LedgerAsync(connectionString, orderId, "sale"));

        // Flagged again; a manager (not a clerk) approves it, and only then is the copy sold.
        var retried = await BodyAsync(await asCustomer.PostAsJsonAsync("/api/orders", new
        {
            reservationId = await ReservationAsync(storefront, rare, 1, commit: false),
            customerId = customer,
            shippingAddress = "Unit 9, 1 Dock Road, Elsewhere",
            payment = new { method = "card" },
        }), HttpStatusCode.Created);
        var retriedId = retried.GetProperty("orderId").GetGuid();
        Assert.True(retried.GetProperty("heldForReview").GetBoolean());
        using var clerk = await node.CreateClientAsync("staff");
        using var manager = await node.CreateClientAsync("manager");
        // The review queue pages on the server; staff see it, managers decide.
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            (await BodyAsync(await clerk.GetAsync("/api/orders/held?pageSize=1"), HttpStatusCode.OK)).GetProperty("total").GetInt64() == 1));
        var held = await BodyAsync(await clerk.GetAsync("/api/orders/held?pageSize=1"), HttpStatusCode.OK);
        Assert.Equal(retriedId, held.GetProperty("items")[0].GetProperty("orderId").GetGuid());
        Assert.Equal(0, (await BodyAsync(await clerk.GetAsync("/api/orders/held?page=2&pageSize=1"), HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        var badPage = await BodyAsync(await clerk.GetAsync("/api/orders/held?pageSize=0"), HttpStatusCode.BadRequest);
        Assert.True(badPage.GetProperty("errors").TryGetProperty("pageSize", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsJsonAsync($"/api/orders/{retriedId}/fraud-review", new { approve = true })).StatusCode);
        var approved = await BodyAsync(await manager.PostAsJsonAsync($"/api/orders/{retriedId}/fraud-review", new { approve = true }), HttpStatusCode.OK);
        Assert.Equal(("processing", false, "completed"), (approved.GetProperty("status").GetString(), approved.GetProperty("heldForReview").GetBoolean(),
            approved.GetProperty("payments")[0].GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync($"/api/orders/{retriedId}/fraud-review", new { approve = true })).StatusCode);
        Assert.Equal(0, (await BodyAsync(await clerk.GetAsync("/api/orders/held"), HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        inventory = await InventoryAsync(storefront, rare);
        Assert.Equal((0, 0), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32()));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await LedgerAsync(connectionString, retriedId, "sale") == -1));
    }

    [Fact]
    public async Task A_rare_single_copy_raced_by_many_orders_is_sold_exactly_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var rare = await AlbumAsync(connectionString, quantity: 1, price: 90m, rare: true);
        await using var node = await StartNodeAsync(connectionString);
        using var staff = await node.CreateClientAsync("staff");
        var customers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CustomerAsync(staff)));

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => StaffOrderAsync(staff, customers[i % customers.Length], rare, 1)));

        var statuses = responses.Select(response => response.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(23, statuses.Count(status => status == HttpStatusCode.Conflict));
        var sold = await BodyAsync(responses.Single(response => response.StatusCode == HttpStatusCode.Created), HttpStatusCode.Created);
        var inventory = await InventoryAsync(staff, rare);
        Assert.Equal((0, 0), (inventory.GetProperty("quantity").GetInt32(), inventory.GetProperty("reserved").GetInt32()));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await LedgerAsync(connectionString, sold.GetProperty("orderId").GetGuid(), "sale") == -1));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM orders"));
        Assert.Equal(-1L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT sum(quantity_change)::bigint FROM inventory_transactions t JOIN inventory i USING (inventory_id) WHERE i.album_id = @a AND transaction_type = 'sale'",
            ("a", rare)));
    }
}
