using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders.Fraud;
using Misty.Grains.Orders.Payments;

namespace Misty.Grains.Orders;

/// <summary>Everything an order is placed with, gathered by its grain (stock held, prices, the fraud model's verdict).</summary>
public sealed record OrderPlacement(
    OrderDraft Draft,
    string OrderNumber,
    OrderTotals Totals,
    TakenStock Stock,
    Guid PaymentId,
    FraudAssessment Assessment,
    DateTimeOffset At);

/// <summary>
/// The rules of one order, without Orleans: which changes its status, payments and shipments may make, what each
/// change does to the state, and the news it leaves in the outbox for the customer (and for staff, as a fraud case).
/// The grain gathers what the rules need (stock, the gateway's answers) and stores what they changed.
/// </summary>
public sealed class OrderBook(OrderState state, Guid orderId)
{
    public OrderState State => state;

    /// <summary>A payment that should be charged but has not been answered (not one waiting for review).</summary>
    public bool ChargeOutstanding =>
        state.Exists && state.Status == OrderStatus.Pending && !state.HeldForReview && state.Payments.Any(payment => payment.Status == PaymentStatus.Pending);

    /// <summary>The payment to charge now, or -1 when none is due (none pending, held for review, or no longer pending).</summary>
    public int PaymentToCharge =>
        state.HeldForReview || state.Status != OrderStatus.Pending ? -1 : state.Payments.FindIndex(payment => payment.Status == PaymentStatus.Pending);

    /// <summary>A new order as placed; a flagged payment holds it for review and leaves a fraud case in the outbox.</summary>
    /// <returns>The new state, and the alert to raise when the payment was flagged.</returns>
    public static (OrderState State, FraudAlert? Alert) Place(Guid orderId, OrderPlacement placed)
    {
        var (draft, assessment, now, stock) = (placed.Draft, placed.Assessment, placed.At, placed.Stock);
        var order = new OrderState
        {
            Exists = true,
            OrderNumber = placed.OrderNumber,
            CustomerId = draft.CustomerId,
            Channel = draft.Channel,
            Status = OrderStatus.Pending,
            Subtotal = placed.Totals.Subtotal,
            Tax = placed.Totals.Tax,
            ShippingFee = placed.Totals.ShippingFee,
            Total = placed.Totals.Total,
            ShippingAddress = draft.Channel == SalesChannel.InStore ? null : draft.ShippingAddress,
            OrderDate = now,
            Lines = [.. stock.Lines.Select(line => new OrderLineRecord(
                Guid.NewGuid(), line.AlbumId, line.Quantity, line.UnitPrice, line.Discount, line.Total, stock.Albums[line.AlbumId].Genre))],
            Payments = [new PaymentRecord(placed.PaymentId, placed.Totals.Total, draft.PaymentMethod, PaymentStatus.Pending, null,
                assessment.Flagged, assessment.Score, assessment.Reasons, null, now, draft.PaymentToken, null)],
            ReservationId = stock.ReservationId,
            Stock = stock.Status,
            HeldForReview = assessment.Flagged,
            Caller = draft.Caller,
            RequestHash = draft.RequestHash,
            PendingNotices = [new OrderNotice(orderId, null, OrderNoticeKind.Placed, placed.Totals.Total, [], now)],
        };
        if (!assessment.Flagged)
        {
            return (order, null);
        }

        order.PendingCase = new FraudCase(OrderIds.FraudCaseFor(placed.PaymentId), orderId, placed.OrderNumber, placed.PaymentId, draft.CustomerId,
            assessment.Score, assessment.Reasons, now);
        order.FraudAlerts = 1;
        return (order, new FraudAlert(orderId, placed.PaymentId, draft.CustomerId, assessment.Score,
            [.. assessment.Reasons.Select(reason => reason.ToString())], order.FraudAlerts, now));
    }

    /// <summary>What the fraud model weighs about a new order: its money, channel and basket, and its customer's record.</summary>
    public static FraudInput FraudInputOf(OrderDraft draft, OrderTotals totals, TakenStock stock, CustomerRiskProfile risk, DateTimeOffset now)
    {
        var albums = stock.Albums;
        return new FraudInput(totals.Total, draft.Channel, draft.PaymentMethod, draft.ShippingAddress,
            stock.Lines.Count(line => albums[line.AlbumId].IsRare),
            stock.Lines.Count(line => Math.Max(albums[line.AlbumId].Price, albums[line.AlbumId].EstimatedValue ?? 0) >= FraudModel.HighValueItem),
            risk, now);
    }

    /// <returns>Why the order cannot be cancelled, or null when it can.</returns>
    public string? CancelRefusal() =>
        OrderLifecycle.CanMove(state.Status, OrderStatus.Cancelled, state.Channel) ? null : $"A {SchemaNames.Of(state.Status)} order cannot be cancelled.";

    /// <returns>Why no shipment can be added, or null when one can.</returns>
    public string? ShipmentRefusal() =>
        state.Channel == SalesChannel.InStore || state.Status is not (OrderStatus.Processing or OrderStatus.Shipped)
            ? $"Only paid orders that are not in-store sales are shipped; this one is {SchemaNames.Of(state.Status)}."
            : null;

    /// <returns>Why the shipment cannot move to <paramref name="status"/>, or null when it can.</returns>
    public string? ShipmentUpdateRefusal(int index, ShipmentStatus status) =>
        state.Status == OrderStatus.Cancelled ? "The order is cancelled."
        : !OrderLifecycle.CanMove(state.Shipments[index].Status, status)
            ? $"A {SchemaNames.Of(state.Shipments[index].Status)} shipment cannot become {SchemaNames.Of(status)}."
            : null;

    /// <summary>Whether a pending payment's charge may have gone through unanswered (so it is undone before it fails).</summary>
    public bool MayBeCharged(PaymentRecord payment) =>
        payment.Status == PaymentStatus.Pending && !state.HeldForReview && payment.Method != PaymentMethod.Cash;

    /// <summary>Cancelled: completed payments wait for a manager's refund decision.</summary>
    public void Cancel(DateTimeOffset now)
    {
        state.RefundDecisionPending = state.Payments.Any(payment => payment.Status == PaymentStatus.Completed);
        Close(now);
    }

    /// <summary>Ends the order as cancelled (its units are back and its payments settled), telling the customer.</summary>
    public void Close(DateTimeOffset now)
    {
        state.Status = OrderStatus.Cancelled;
        state.HeldForReview = false;
        state.PendingNotices.Add(new OrderNotice(orderId, null, OrderNoticeKind.Cancelled, state.Total, [], now));
    }

    /// <summary>The order's units are back: held ones released, sold ones returned through the ledger.</summary>
    public void StockPutBack() => state.Stock = state.Stock switch
    {
        OrderStock.Held => OrderStock.Released,
        OrderStock.Sold => OrderStock.Returned,
        var stock => stock,
    };

    public void DecideRefund() => state.RefundDecisionPending = false;

    /// <summary>Approved on review (the payment is then charged); a rejection closes the order instead.</summary>
    public void Release() => state.HeldForReview = false;

    public void FailPendingPayments(string reason, DateTimeOffset now)
    {
        for (var index = 0; index < state.Payments.Count; index++)
        {
            var payment = state.Payments[index];
            if (payment.Status == PaymentStatus.Pending)
            {
                state.Payments[index] = payment with { Status = PaymentStatus.Failed, FailureReason = reason };
                state.PendingNotices.Add(new OrderNotice(orderId, payment.PaymentId, OrderNoticeKind.PaymentFailed, payment.Amount, [], now));
            }
        }
    }

    /// <summary>The gateway took the money: the payment completes (the grain then sells the held units).</summary>
    public void Charged(int index, string? transactionId, DateTimeOffset now) =>
        state.Payments[index] = state.Payments[index] with { Status = PaymentStatus.Completed, TransactionId = transactionId, PaymentDate = now };

    /// <summary>The paid order's units are sold: it moves on (an in-store sale is handed over at once) and the customer hears of the purchase.</summary>
    public void Sold(int index, DateTimeOffset now)
    {
        var payment = state.Payments[index];
        if (state.Stock == OrderStock.Held)
        {
            state.Stock = OrderStock.Sold;
        }

        state.PendingNotices.Add(new OrderNotice(orderId, payment.PaymentId, OrderNoticeKind.Purchased, payment.Amount,
            [.. state.Lines.Select(line => new PurchasedLine(line.AlbumId, line.Genre, line.Quantity))], now));
        state.Status = OrderStatus.Processing;
        if (OrderLifecycle.CanMove(OrderStatus.Processing, OrderStatus.Delivered, state.Channel))
        {
            state.Status = OrderStatus.Delivered;
        }
    }

    /// <summary>The money of a payment went back (<paramref name="refund"/>: the gateway's answer, if it was asked).</summary>
    /// <returns>False when the payment simply fails instead: its unanswered charge never went through.</returns>
    public bool Refunded(int index, GatewayResult refund, string reason, DateTimeOffset now)
    {
        var payment = state.Payments[index];
        if (refund.Outcome == GatewayOutcome.NotCharged && payment.Status == PaymentStatus.Pending)
        {
            return false;
        }

        state.Payments[index] = payment with { Status = PaymentStatus.Refunded, FailureReason = reason, TransactionId = payment.TransactionId ?? refund.TransactionId };
        state.PendingNotices.Add(new OrderNotice(orderId, payment.PaymentId, OrderNoticeKind.Refunded, payment.Amount, [], now));
        return true;
    }

    /// <summary>A completed payment refunded by staff: a pending refund decision remains only while completed payments do.</summary>
    public void SettleRefundDecision() =>
        state.RefundDecisionPending &= state.Payments.Any(payment => payment.Status == PaymentStatus.Completed);

    /// <summary>The processor reports a refund made there: a completed payment is refunded (nothing is given back twice).</summary>
    public bool RefundedAtProcessor(int index, DateTimeOffset now)
    {
        if (state.Payments[index] is not { Status: PaymentStatus.Completed } payment)
        {
            return false;
        }

        state.Payments[index] = payment with { Status = PaymentStatus.Refunded, FailureReason = "refunded at the payment processor" };
        state.PendingNotices.Add(new OrderNotice(orderId, payment.PaymentId, OrderNoticeKind.Refunded, payment.Amount, [], now));
        return true;
    }

    public void AddShipment(Guid shipmentId, string carrier, string trackingNumber, DateTimeOffset estimatedDelivery, DateTimeOffset now) =>
        state.Shipments.Add(new ShipmentRecord(shipmentId, carrier, trackingNumber, ShipmentStatus.Preparing, null, estimatedDelivery, null, now));

    /// <summary>Whether this move is the shipment leaving, when its estimate starts from the carrier's average transit.</summary>
    public bool Leaves(int index, ShipmentStatus status) => state.Shipments[index].ShippedDate is null && status >= ShipmentStatus.Shipped;

    /// <summary>Moves a shipment on, and the order with its shipments (shipped once any left, delivered once all arrived).</summary>
    /// <param name="transit">The carrier's average transit when the shipment leaves now (see <see cref="Leaves"/>).</param>
    public void UpdateShipment(int index, ShipmentStatus status, TimeSpan? transit, DateTimeOffset now)
    {
        var shipment = state.Shipments[index];
        if (transit is { } average)
        {
            shipment = shipment with { ShippedDate = now, EstimatedDelivery = now + average };
        }

        state.Shipments[index] = shipment with
        {
            Status = status,
            ActualDelivery = status == ShipmentStatus.Delivered ? now : shipment.ActualDelivery,
        };
        var target = OrderLifecycle.Follow(state.Status, [.. state.Shipments.Select(item => item.Status)]);
        if (target == OrderStatus.Delivered && state.Status == OrderStatus.Processing)
        {
            state.Status = OrderStatus.Shipped;
        }

        if (OrderLifecycle.CanMove(state.Status, target, state.Channel))
        {
            state.Status = target;
        }
    }

    /// <summary>Marks the state as the next version, as of <paramref name="now"/>.</summary>
    public OrderChanged NextVersion(DateTimeOffset now)
    {
        state.Version++;
        state.UpdatedAt = now;
        return new OrderChanged(orderId, state.OrderNumber, SchemaNames.Of(state.Status), state.Total, SchemaNames.Of(state.Channel), state.Version, state.UpdatedAt);
    }

    public OrderView View() => new(
        orderId, state.OrderNumber, state.CustomerId, state.Status, state.Channel, state.Subtotal, state.Tax, state.ShippingFee, state.Total,
        state.ShippingAddress, state.OrderDate, state.UpdatedAt,
        [.. state.Lines.Select(line => new OrderLineView(line.OrderItemId, line.AlbumId, line.Quantity, line.UnitPrice, line.Discount, line.Total))],
        [.. state.Payments.Select(payment => new PaymentView(payment.PaymentId, payment.Amount, payment.Method, payment.Status, payment.TransactionId,
            payment.FraudFlagged, payment.FraudScore, payment.FraudReasons, payment.PaymentDate, payment.CreatedAt, payment.FailureReason))],
        [.. state.Shipments.Select(shipment => new ShipmentView(shipment.ShipmentId, shipment.Carrier, shipment.TrackingNumber, shipment.Status,
            shipment.ShippedDate, shipment.EstimatedDelivery, shipment.ActualDelivery, shipment.CreatedAt))],
        state.HeldForReview, state.Version, state.RefundDecisionPending);
}
