using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders;
using Misty.Grains.Orders.Fraud;
using Misty.Grains.Orders.Payments;

namespace Misty.Tests.Orders;

[Trait("Category", "Unit")]
public sealed class OrderBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid OrderId = Guid.NewGuid();
    private static readonly Guid Album = Guid.NewGuid();

    [Fact]
    public void A_placed_order_is_pending_with_one_pending_payment_and_tells_the_customer()
    {
        var (order, alert) = Place(SalesChannel.Online, flagged: false);

        Assert.Null(alert);
        Assert.Equal((true, OrderStatus.Pending, OrderStock.Held, 25.92m), (order.Exists, order.Status, order.Stock, order.Total));
        Assert.Equal(PaymentStatus.Pending, Assert.Single(order.Payments).Status);
        Assert.Equal("12 Vinyl Lane", order.ShippingAddress);
        Assert.Equal(("Jazz", 24.00m), (Assert.Single(order.Lines).Genre, order.Lines[0].Total));
        Assert.Equal(OrderNoticeKind.Placed, Assert.Single(order.PendingNotices).Kind);
        Assert.Null(order.PendingCase);
        Assert.True(new OrderBook(order, OrderId).ChargeOutstanding);
    }

    [Fact]
    public void A_flagged_payment_holds_the_order_for_review_and_leaves_a_fraud_case_and_an_alert()
    {
        var (order, alert) = Place(SalesChannel.Online, flagged: true);
        var book = new OrderBook(order, OrderId);

        Assert.True(order.HeldForReview);
        Assert.False(book.ChargeOutstanding);
        Assert.Equal(-1, book.PaymentToCharge);
        Assert.Equal((OrderId, 1), (alert!.OrderId, alert.Version));
        Assert.Equal(OrderIds.FraudCaseFor(order.Payments[0].PaymentId), order.PendingCase!.CaseId);
        Assert.Contains("- ", FraudCases.Note(order.PendingCase));

        book.Release();
        Assert.Equal(0, book.PaymentToCharge);
    }

    [Fact]
    public void An_in_store_sale_is_delivered_when_paid_and_an_online_one_processing()
    {
        foreach (var (channel, expected) in new[] { (SalesChannel.InStore, OrderStatus.Delivered), (SalesChannel.Online, OrderStatus.Processing) })
        {
            var (order, _) = Place(channel, flagged: false);
            var book = new OrderBook(order, OrderId);
            book.Charged(0, "tx-1", Now);
            book.Sold(0, Now);

            Assert.Equal((expected, OrderStock.Sold, PaymentStatus.Completed, "tx-1"), (order.Status, order.Stock, order.Payments[0].Status, order.Payments[0].TransactionId));
            var purchase = order.PendingNotices[^1];
            Assert.Equal((OrderNoticeKind.Purchased, 2), (purchase.Kind, Assert.Single(purchase.Lines).Quantity));
            Assert.Null(channel == SalesChannel.InStore ? null : book.ShipmentRefusal());
        }
    }

    [Fact]
    public void Shipments_move_forward_and_carry_the_order_to_shipped_and_delivered()
    {
        var (order, _) = Paid(SalesChannel.Online);
        var book = new OrderBook(order, OrderId);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        book.AddShipment(first, "UPS", "1Z1", Now.AddDays(4), Now);
        book.AddShipment(second, "UPS", "1Z2", Now.AddDays(4), Now);

        Assert.True(book.Leaves(0, ShipmentStatus.Shipped));
        book.UpdateShipment(0, ShipmentStatus.Shipped, TimeSpan.FromDays(3), Now);
        Assert.Equal((OrderStatus.Shipped, Now.AddDays(3)), (order.Status, order.Shipments[0].EstimatedDelivery));
        Assert.NotNull(book.ShipmentUpdateRefusal(0, ShipmentStatus.Preparing));

        book.UpdateShipment(0, ShipmentStatus.Delivered, null, Now.AddDays(2));
        Assert.Equal(OrderStatus.Shipped, order.Status);
        book.UpdateShipment(1, ShipmentStatus.Delivered, TimeSpan.FromDays(1), Now.AddDays(2));
        Assert.Equal((OrderStatus.Delivered, Now.AddDays(2)), (order.Status, order.Shipments[1].ActualDelivery));
        Assert.NotNull(book.CancelRefusal());
    }

    [Fact]
    public void Cancelling_a_paid_order_waits_for_a_refund_decision_until_its_payments_are_refunded()
    {
        var (order, _) = Paid(SalesChannel.Online);
        var book = new OrderBook(order, OrderId);
        Assert.Null(book.CancelRefusal());

        book.StockPutBack();
        book.Cancel(Now);
        Assert.Equal((OrderStatus.Cancelled, OrderStock.Returned, true), (order.Status, order.Stock, order.RefundDecisionPending));
        Assert.Equal(OrderNoticeKind.Cancelled, order.PendingNotices[^1].Kind);

        Assert.True(book.Refunded(0, new GatewayResult(GatewayOutcome.Refunded, "rf-1", null), "refunded by staff", Now));
        book.SettleRefundDecision();
        Assert.Equal((PaymentStatus.Refunded, "tx-1", false), (order.Payments[0].Status, order.Payments[0].TransactionId, order.RefundDecisionPending));
        Assert.False(book.RefundedAtProcessor(0, Now));
    }

    [Fact]
    public void An_unanswered_charge_that_never_went_through_fails_instead_of_being_refunded()
    {
        var (order, _) = Place(SalesChannel.Online, flagged: false);
        var book = new OrderBook(order, OrderId);
        Assert.True(book.MayBeCharged(order.Payments[0]));

        Assert.False(book.Refunded(0, new GatewayResult(GatewayOutcome.NotCharged, null, null), "cancelled", Now));
        book.FailPendingPayments("cancelled", Now);
        book.StockPutBack();
        book.Close(Now);

        Assert.Equal((PaymentStatus.Failed, "cancelled"), (order.Payments[0].Status, order.Payments[0].FailureReason));
        Assert.Equal((OrderStatus.Cancelled, OrderStock.Released, false), (order.Status, order.Stock, order.RefundDecisionPending));
        Assert.Equal([OrderNoticeKind.Placed, OrderNoticeKind.PaymentFailed, OrderNoticeKind.Cancelled], order.PendingNotices.Select(notice => notice.Kind));
    }

    [Fact]
    public void Each_stored_change_is_the_next_version_and_says_so()
    {
        var (order, _) = Place(SalesChannel.Corporate, flagged: false);
        var changed = new OrderBook(order, OrderId).NextVersion(Now.AddMinutes(1));

        Assert.Equal((1L, Now.AddMinutes(1)), (order.Version, order.UpdatedAt));
        Assert.Equal((OrderId, "pending", "corporate", 1L), (changed.OrderId, changed.Status, changed.Channel, changed.Version));
        Assert.Equal(new OrderBook(order, OrderId).View().Version, changed.Version);
    }

    [Fact]
    public void The_fraud_input_counts_rare_and_valuable_records_in_the_basket()
    {
        var rare = Guid.NewGuid();
        var stock = new TakenStock([new PricedLine(Album, 2, 12.00m, 0m, 24.00m), new PricedLine(rare, 1, 15.00m, 0m, 15.00m)],
            new Dictionary<Guid, AlbumFacts>
            {
                [Album] = new(Album, 12.00m, false, null, "Jazz"),
                [rare] = new(rare, 15.00m, true, FraudModel.HighValueItem, "Jazz"),
            }, null, OrderStock.Held, null);
        var input = OrderBook.FraudInputOf(Draft(SalesChannel.Online), new OrderTotals(39m, 3m, 0m, 42m), stock, Risk(), Now);

        Assert.Equal((42m, 1, 1), (input.Amount, input.RareItems, input.HighValueItems));
    }

    private static (OrderState Order, FraudAlert? Alert) Paid(SalesChannel channel)
    {
        var (order, alert) = Place(channel, flagged: false);
        var book = new OrderBook(order, OrderId);
        book.Charged(0, "tx-1", Now);
        book.Sold(0, Now);
        return (order, alert);
    }

    private static (OrderState Order, FraudAlert? Alert) Place(SalesChannel channel, bool flagged)
    {
        var stock = new TakenStock([new PricedLine(Album, 2, 12.50m, 1.00m, 24.00m)],
            new Dictionary<Guid, AlbumFacts> { [Album] = new(Album, 12.50m, false, null, "Jazz") }, OrderId, OrderStock.Held, null);
        var assessment = new FraudAssessment(flagged ? 80 : 5, flagged ? [new FraudReason("new_account", 40, "Account created today")] : [], flagged);
        return OrderBook.Place(OrderId, new OrderPlacement(Draft(channel), "MST-2026-000001", new OrderTotals(24.00m, 1.92m, 0m, 25.92m), stock,
            Guid.NewGuid(), assessment, Now));
    }

    private static OrderDraft Draft(SalesChannel channel) =>
        new(Guid.NewGuid(), channel, null, [new OrderLineDraft(Album, 2, 1.00m)], "12 Vinyl Lane", PaymentMethod.Card, "tok", "staff:test", "hash");

    private static CustomerRiskProfile Risk() => new(Now.AddYears(-2), "12 Vinyl Lane", 3, 120m, 60m, 0, 0, 0);
}
