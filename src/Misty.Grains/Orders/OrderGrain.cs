using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Orders.Fraud;
using Misty.Grains.Orders.Payments;
using Orleans.Runtime;
using Orleans.Streams;

namespace Misty.Grains.Orders;

/// <summary>
/// One order with its lines, payments and shipments. Its units are held through a reservation until the payment
/// completes, then sold; cancelling releases or returns them. Every change is stored before the caller hears of it;
/// afterwards the rows are projected, the customer grain told and a fraud case opened (outboxes in the state, caught up
/// after a crash by a reminder), and OrderChanged / FraudAlert published.
/// </summary>
[GrainType("order")]
public sealed class OrderGrain(
    [PersistentState(OrderGrain.StateName)] IPersistentState<OrderState> state,
    IOrderStore store,
    IPaymentGateway gateway,
    IOptions<OrderOptions> options,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    public const string StateName = "order";

    /// <summary>The live state the calls change; storage gets a copy, because background work changes the outboxes meanwhile.</summary>
    private OrderState _live = null!;
    /// <summary>The last state known to be stored: the only one projected to rows.</summary>
    private OrderState? _stored;
    private long _projectedVersion = -1;
    private CatchUpLoop _catchUp = null!;
    private CatchUpReminder _reminder = null!;
    private OrderPricing _pricing = null!;
    private FraudModel _fraud = null!;

    private Guid OrderId => this.GetPrimaryKey();

    private OrderOptions Options => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pricing = new OrderPricing(Options);
        _fraud = new FraudModel(Options.FraudThreshold);
        _reminder = new CatchUpReminder(this, "order-catch-up", Options.CatchUpPeriod, logger);
        _catchUp = new CatchUpLoop(CatchUpAsync, CaughtUp, logger, $"order {OrderId}");
        _catchUp.CaughtUp += () => _reminder.ClearAsync(() => CaughtUp() && !ChargeOutstanding());
        _live = state.State;
        if (!state.RecordExists && await store.LoadOrderAsync(OrderId, cancellationToken) is { } row)
        {
            // An order that exists only as rows (seeded): the grain starts from them.
            _live = row;
        }
        else if (state.RecordExists)
        {
            // A crash may have come between storing a change and finishing its after-work; replaying it is idempotent.
            _stored = _live.Copy();
            _catchUp.Kick();
        }
    }

    public Task<OrderView?> GetAsync() => Task.FromResult(_live.Exists ? View() : null);

    public async Task<OrderOutcome> CreateAsync(OrderDraft draft)
    {
        if (_live.Exists)
        {
            return _live.RequestHash == draft.RequestHash
                ? Ok(_live.Payments.FirstOrDefault()?.PaymentId)
                : Fail(OrderResult.KeyReused, "This order id (reservation or Idempotency-Key) was used for a different order.");
        }

        var risk = await Customer(draft.CustomerId).GetRiskAsync();
        if (risk is null)
        {
            return Fail(OrderResult.UnknownCustomer, $"Customer {draft.CustomerId} does not exist.");
        }

        var stock = await TakeStockAsync(draft);
        if (stock.Failure is { } failure)
        {
            return failure;
        }

        var now = clock.GetUtcNow();
        var totals = _pricing.Totals(stock.Lines, draft.Channel);
        var facts = stock.Albums;
        var assessment = _fraud.Assess(new FraudInput(
            totals.Total, draft.Channel, draft.PaymentMethod, draft.ShippingAddress,
            stock.Lines.Count(line => facts[line.AlbumId].IsRare),
            stock.Lines.Count(line => Math.Max(facts[line.AlbumId].Price, facts[line.AlbumId].EstimatedValue ?? 0) >= FraudModel.HighValueItem),
            risk, now));
        var orderNumber = await store.NextOrderNumberAsync(now, CancellationToken.None);
        var paymentId = Guid.NewGuid();
        // Linked (and stored) before the order stores the payment, so the id in the answer always resolves.
        await GrainFactory.GetGrain<IOrderPartGrain>(paymentId).LinkAsync(OrderId);

        _live = new OrderState
        {
            Exists = true,
            OrderNumber = orderNumber,
            CustomerId = draft.CustomerId,
            Channel = draft.Channel,
            Status = OrderStatus.Pending,
            Subtotal = totals.Subtotal,
            Tax = totals.Tax,
            ShippingFee = totals.ShippingFee,
            Total = totals.Total,
            ShippingAddress = draft.Channel == SalesChannel.InStore ? null : draft.ShippingAddress,
            OrderDate = now,
            Lines = [.. stock.Lines.Select(line => new OrderLineRecord(
                Guid.NewGuid(), line.AlbumId, line.Quantity, line.UnitPrice, line.Discount, line.Total, facts[line.AlbumId].Genre))],
            Payments = [new PaymentRecord(paymentId, totals.Total, draft.PaymentMethod, PaymentStatus.Pending, null,
                assessment.Flagged, assessment.Score, assessment.Reasons, null, now, draft.PaymentToken, null)],
            ReservationId = stock.ReservationId,
            Stock = stock.Status,
            HeldForReview = assessment.Flagged,
            Caller = draft.Caller,
            RequestHash = draft.RequestHash,
            PendingNotices = [new OrderNotice(OrderId, null, OrderNoticeKind.Placed, totals.Total, [], now)],
        };
        FraudAlert? alert = null;
        if (assessment.Flagged)
        {
            _live.PendingCase = new FraudCase(OrderIds.FraudCaseFor(paymentId), OrderId, orderNumber, paymentId, draft.CustomerId,
                assessment.Score, assessment.Reasons, now);
            _live.FraudAlerts = 1;
            alert = new FraudAlert(OrderId, paymentId, draft.CustomerId, assessment.Score,
                [.. assessment.Reasons.Select(reason => reason.ToString())], _live.FraudAlerts, now);
        }

        await StoreAsync(alert);
        if (assessment.Flagged)
        {
            // Held for review: the stock stays put until a manager decides (or the hold runs out).
            Telemetry.MistyMetrics.FraudFlag();
            await ExtendHoldAsync(Options.ReviewHold);
        }
        else
        {
            await SettleAsync();
        }

        return Ok(paymentId);
    }

    public async Task<OrderOutcome> CancelAsync(string actor, bool refundPayments)
    {
        if (!_live.Exists)
        {
            return Fail(OrderResult.NotFound, null);
        }

        if (!OrderLifecycle.CanMove(_live.Status, OrderStatus.Cancelled, _live.Channel))
        {
            return WrongState($"A {SchemaNames.Of(_live.Status)} order cannot be cancelled.");
        }

        if (await RefundAllAsync($"order cancelled by {actor}", refundPayments) is { } failure)
        {
            return failure;
        }

        _live.RefundDecisionPending = _live.Payments.Any(payment => payment.Status == PaymentStatus.Completed);
        await PutBackStockAsync($"order {_live.OrderNumber} cancelled by {actor}");
        Cancel();
        await StoreAsync();
        return Ok(null);
    }

    public async Task<OrderOutcome> DecideRefundAsync(bool refund, string actor)
    {
        if (!_live.Exists)
        {
            return Fail(OrderResult.NotFound, null);
        }

        if (!_live.RefundDecisionPending)
        {
            return WrongState("The order does not wait for a refund decision.");
        }

        if (refund && await RefundAllAsync($"refunded by {actor} after the order was cancelled", refundCompleted: true) is { } failure)
        {
            return failure;
        }

        _live.RefundDecisionPending = false;
        await StoreAsync();
        return Ok(null);
    }

    public async Task<OrderOutcome> ReviewFraudAsync(bool approve, string actor)
    {
        if (!_live.Exists)
        {
            return Fail(OrderResult.NotFound, null);
        }

        if (!_live.HeldForReview)
        {
            return WrongState("The order is not held for fraud review.");
        }

        _live.HeldForReview = false;
        if (approve)
        {
            await StoreAsync();
            await SettleAsync();
            return Ok(null);
        }

        FailPendingPayments($"rejected on fraud review by {actor}");
        await PutBackStockAsync($"order {_live.OrderNumber} rejected on fraud review");
        Cancel();
        await StoreAsync();
        return Ok(null);
    }

    public async Task<OrderOutcome> AddShipmentAsync(string carrier, string trackingNumber)
    {
        if (!_live.Exists)
        {
            return Fail(OrderResult.NotFound, null);
        }

        if (_live.Channel == SalesChannel.InStore || _live.Status is not (OrderStatus.Processing or OrderStatus.Shipped))
        {
            return WrongState($"Only paid orders that are not in-store sales are shipped; this one is {SchemaNames.Of(_live.Status)}.");
        }

        var now = clock.GetUtcNow();
        var transit = await TransitAsync(carrier);
        var shipmentId = Guid.NewGuid();
        await GrainFactory.GetGrain<IOrderPartGrain>(shipmentId).LinkAsync(OrderId);
        _live.Shipments.Add(new ShipmentRecord(shipmentId, carrier, trackingNumber, ShipmentStatus.Preparing, null,
            now + Options.HandlingTime + transit, null, now));
        await StoreAsync();
        return Ok(shipmentId);
    }

    public async Task<OrderOutcome> UpdateShipmentAsync(Guid shipmentId, ShipmentStatus status)
    {
        var index = _live.Shipments.FindIndex(shipment => shipment.ShipmentId == shipmentId);
        if (index < 0)
        {
            return Fail(OrderResult.NotFound, $"Shipment {shipmentId} does not exist.");
        }

        var shipment = _live.Shipments[index];
        if (_live.Status == OrderStatus.Cancelled || !OrderLifecycle.CanMove(shipment.Status, status))
        {
            return WrongState(_live.Status == OrderStatus.Cancelled
                ? "The order is cancelled."
                : $"A {SchemaNames.Of(shipment.Status)} shipment cannot become {SchemaNames.Of(status)}.");
        }

        var now = clock.GetUtcNow();
        if (shipment.ShippedDate is null && status >= ShipmentStatus.Shipped)
        {
            // Once it has left, the estimate is the carrier's average transit from the day it left.
            shipment = shipment with { ShippedDate = now, EstimatedDelivery = now + await TransitAsync(shipment.Carrier) };
        }

        _live.Shipments[index] = shipment with
        {
            Status = status,
            ActualDelivery = status == ShipmentStatus.Delivered ? now : shipment.ActualDelivery,
        };
        FollowShipments();
        await StoreAsync();
        return Ok(shipmentId);
    }

    public async Task<OrderOutcome> RefundPaymentAsync(Guid paymentId, string actor)
    {
        var index = _live.Payments.FindIndex(payment => payment.PaymentId == paymentId);
        if (index < 0)
        {
            return Fail(OrderResult.NotFound, $"Payment {paymentId} does not exist.");
        }

        if (_live.Payments[index].Status != PaymentStatus.Completed)
        {
            return WrongState($"Only a completed payment can be refunded; this one is {SchemaNames.Of(_live.Payments[index].Status)}.");
        }

        if (await RefundAsync(index, $"refunded by {actor}") is { } failure)
        {
            return failure;
        }

        _live.RefundDecisionPending &= _live.Payments.Any(payment => payment.Status == PaymentStatus.Completed);
        await StoreAsync();
        return Ok(paymentId);
    }

    public async Task<OrderOutcome> ApplyProcessorOutcomeAsync(Guid paymentId, ProcessorOutcome outcome)
    {
        var index = _live.Payments.FindIndex(payment => payment.PaymentId == paymentId);
        if (index < 0)
        {
            return Fail(OrderResult.NotFound, $"Payment {paymentId} does not exist.");
        }

        if (outcome != ProcessorOutcome.Refunded)
        {
            await SettleAsync();
        }
        else if (_live.Payments[index] is { Status: PaymentStatus.Completed } payment)
        {
            _live.Payments[index] = payment with { Status = PaymentStatus.Refunded, FailureReason = "refunded at the payment processor" };
            _live.PendingNotices.Add(new OrderNotice(OrderId, paymentId, OrderNoticeKind.Refunded, payment.Amount, [], clock.GetUtcNow()));
            await StoreAsync();
        }

        return Ok(paymentId);
    }

    public async Task<bool> RebuildProjectionAsync()
    {
        if (_stored is not { } stored)
        {
            return false;
        }

        await store.ProjectAsync(OrderId, stored, overwrite: true, CancellationToken.None);
        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != _reminder.Name)
        {
            return;
        }

        if (ChargeOutstanding())
        {
            await SettleAsync();
        }

        if (CaughtUp() && !ChargeOutstanding())
        {
            await _reminder.ClearAsync(() => CaughtUp() && !ChargeOutstanding());
        }
        else
        {
            _catchUp.Kick();
        }
    }

    /// <summary>
    /// Holds the order's units: the storefront's reservation (taken over as it is, held or already committed), or a
    /// reservation of the order's own for the lines staff entered. Nothing is held when a line fails.
    /// </summary>
    private async Task<TakenStock> TakeStockAsync(OrderDraft draft)
    {
        ReservationView? reservation = null;
        IReadOnlyList<OrderLineDraft> wanted = draft.Lines;
        if (draft.ReservationId is { } reservationId)
        {
            reservation = await Reservation(reservationId).GetAsync();
            var usable = reservation is { Status: ReservationStatus.Held }
                || reservation is { Status: ReservationStatus.Committed } && (reservation.OrderId is null || reservation.OrderId == OrderId);
            if (!usable)
            {
                return TakenStock.Failed(Fail(OrderResult.ReservationUnusable,
                    $"Reservation {reservationId} is {reservation?.Status.ToString().ToLowerInvariant() ?? "unknown"}: only a held reservation becomes an order."));
            }

            wanted = [.. reservation!.Lines.Select(line => new OrderLineDraft(line.AlbumId, line.Quantity, 0m))];
        }

        var albums = await store.LoadAlbumsAsync([.. wanted.Select(line => line.AlbumId)], CancellationToken.None);
        if (wanted.FirstOrDefault(line => !albums.ContainsKey(line.AlbumId)) is { } unknown)
        {
            return TakenStock.Failed(Fail(OrderResult.UnknownAlbum, $"Album {unknown.AlbumId} does not exist."));
        }

        var priced = wanted.Select(line => OrderPricing.Line(line.AlbumId, line.Quantity, albums[line.AlbumId].Price, line.Discount)).ToList();
        if (priced.IndexOf(null) is var bad and >= 0)
        {
            return TakenStock.Failed(Fail(OrderResult.InvalidDiscount,
                $"The discount on album {wanted[bad].AlbumId} is more than the line ({albums[wanted[bad].AlbumId].Price} x {wanted[bad].Quantity})."));
        }

        var lines = priced.Select(line => line!).ToList();
        if (reservation is not null)
        {
            if (reservation.Status == ReservationStatus.Held && !await ExtendAsync(reservation.ReservationId, Options.PaymentWindow))
            {
                return TakenStock.Failed(Fail(OrderResult.ReservationUnusable, $"Reservation {reservation.ReservationId} has expired."));
            }

            return new TakenStock(lines, albums, reservation.ReservationId,
                reservation.Status == ReservationStatus.Held ? OrderStock.Held : OrderStock.Sold, null);
        }

        var held = await Reservation(OrderId).CreateAsync(new ReservationRequest(
            [.. wanted.Select(line => new ReservationLine(line.AlbumId, line.Quantity))], Options.PaymentWindow, draft.Caller, draft.RequestHash));
        return held.Result switch
        {
            ReservationResult.Ok => new TakenStock(lines, albums, OrderId, OrderStock.Held, null),
            ReservationResult.Insufficient => TakenStock.Failed(new OrderOutcome(OrderResult.Insufficient, null, held.Shortages, null, "Not enough stock.")),
            ReservationResult.UnknownAlbum => TakenStock.Failed(Fail(OrderResult.UnknownAlbum, "An album does not exist.")),
            _ => TakenStock.Failed(Fail(OrderResult.KeyReused, "This order id was used for a different order.")),
        };
    }

    /// <summary>
    /// Charges the pending payment unless it waits for review: approved, the held units are sold and the order moves on;
    /// declined, the order is cancelled and its units go back. A gateway that does not answer leaves it pending, and the
    /// reminder tries again (the payment id is the idempotency key, so nothing is charged twice).
    /// </summary>
    private async Task SettleAsync()
    {
        var index = _live.Payments.FindIndex(payment => payment.Status == PaymentStatus.Pending);
        if (index < 0 || _live.HeldForReview || _live.Status != OrderStatus.Pending)
        {
            return;
        }

        var payment = _live.Payments[index];
        if (_live.Stock == OrderStock.Held && !await ExtendHoldAsync(Options.PaymentWindow))
        {
            FailPendingPayments("the held stock expired before the payment was made");
            Cancel();
            await StoreAsync();
            return;
        }

        GatewayResult result;
        if (payment.Method == PaymentMethod.Cash)
        {
            result = new GatewayResult(GatewayOutcome.Approved, null, null);
        }
        else
        {
            try
            {
                using var timeout = new CancellationTokenSource(Options.GatewayTimeout);
                result = await gateway.ChargeAsync(new GatewayCharge(payment.PaymentId.ToString(), payment.Amount, payment.Method, payment.Token,
                    $"Misty order {_live.OrderNumber}"), timeout.Token);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Charging payment {PaymentId} of order {OrderNumber} failed; it stays pending and is retried.", payment.PaymentId, _live.OrderNumber);
                await _reminder.EnsureAsync();
                return;
            }
        }

        if (result.Outcome == GatewayOutcome.Approved)
        {
            await CompleteAsync(index, result);
        }
        else
        {
            FailPendingPayments(result.Message ?? "declined");
            await PutBackStockAsync($"payment for order {_live.OrderNumber} declined");
            Cancel();
        }

        await StoreAsync();
    }

    private async Task CompleteAsync(int index, GatewayResult result)
    {
        var now = clock.GetUtcNow();
        _live.Payments[index] = _live.Payments[index] with { Status = PaymentStatus.Completed, TransactionId = result.TransactionId, PaymentDate = now };
        var payment = _live.Payments[index];
        if (_live.Stock == OrderStock.Held)
        {
            var sold = await Reservation(_live.ReservationId!.Value).CommitAsync(OrderId);
            if (sold.Result != ReservationResult.Ok)
            {
                // Only when the hold ran out despite being extended: the money goes back and so does the order.
                _live.Stock = OrderStock.Released;
                await RefundAsync(index, "the held stock expired before it could be sold");
                Cancel();
                return;
            }

            _live.Stock = OrderStock.Sold;
        }

        _live.PendingNotices.Add(new OrderNotice(OrderId, payment.PaymentId, OrderNoticeKind.Purchased, payment.Amount,
            [.. _live.Lines.Select(line => new PurchasedLine(line.AlbumId, line.Genre, line.Quantity))], now));
        _live.Status = OrderStatus.Processing;
        if (OrderLifecycle.CanMove(OrderStatus.Processing, OrderStatus.Delivered, _live.Channel))
        {
            _live.Status = OrderStatus.Delivered;
        }
    }

    /// <summary>Gives the payment's money back (cash at the till, anything else through the gateway).</summary>
    /// <returns>A failure when the gateway could not refund (nothing changed then), otherwise null.</returns>
    private async Task<OrderOutcome?> RefundAsync(int index, string reason)
    {
        var payment = _live.Payments[index];
        var refund = new GatewayResult(GatewayOutcome.Refunded, null, null);
        if (payment.Method != PaymentMethod.Cash)
        {
            try
            {
                using var timeout = new CancellationTokenSource(Options.GatewayTimeout);
                refund = await gateway.RefundAsync(payment.PaymentId.ToString(), timeout.Token);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Refunding payment {PaymentId} failed.", payment.PaymentId);
                return Fail(OrderResult.GatewayUnavailable, "The payment gateway did not answer; nothing was changed, try again.");
            }
        }

        if (refund.Outcome == GatewayOutcome.NotCharged && payment.Status == PaymentStatus.Pending)
        {
            // The unanswered charge never went through: the payment simply fails.
            return null;
        }

        _live.Payments[index] = payment with { Status = PaymentStatus.Refunded, FailureReason = reason, TransactionId = payment.TransactionId ?? refund.TransactionId };
        _live.PendingNotices.Add(new OrderNotice(OrderId, payment.PaymentId, OrderNoticeKind.Refunded, payment.Amount, [], clock.GetUtcNow()));
        return null;
    }

    /// <summary>
    /// Refunds every completed payment, and undoes a charge that may have gone through for a pending one whose gateway
    /// call went unanswered; pending payments then fail.
    /// </summary>
    /// <param name="refundCompleted">False: completed payments stay as they are (someone who may not refund cancelled).</param>
    private async Task<OrderOutcome?> RefundAllAsync(string reason, bool refundCompleted)
    {
        for (var index = 0; index < _live.Payments.Count; index++)
        {
            var payment = _live.Payments[index];
            var mayBeCharged = payment.Status == PaymentStatus.Pending && !_live.HeldForReview && payment.Method != PaymentMethod.Cash;
            if (((refundCompleted && payment.Status == PaymentStatus.Completed) || mayBeCharged) && await RefundAsync(index, reason) is { } failure)
            {
                return failure;
            }
        }

        FailPendingPayments(reason);
        return null;
    }

    private void FailPendingPayments(string reason)
    {
        for (var index = 0; index < _live.Payments.Count; index++)
        {
            var payment = _live.Payments[index];
            if (payment.Status == PaymentStatus.Pending)
            {
                _live.Payments[index] = payment with { Status = PaymentStatus.Failed, FailureReason = reason };
                _live.PendingNotices.Add(new OrderNotice(OrderId, payment.PaymentId, OrderNoticeKind.PaymentFailed, payment.Amount, [], clock.GetUtcNow()));
            }
        }
    }

    /// <summary>
    /// Held units are released; sold units come back through the inventory ledger as returns carrying the order id.
    /// Each return is keyed by the order and line, so a retry after a crash before the state is stored returns nothing twice.
    /// </summary>
    private async Task PutBackStockAsync(string notes)
    {
        switch (_live.Stock)
        {
            case OrderStock.Held:
                await Reservation(_live.ReservationId!.Value).ReleaseAsync();
                _live.Stock = OrderStock.Released;
                break;
            case OrderStock.Sold:
                foreach (var (line, index) in _live.Lines.Select((line, index) => (line, index)))
                {
                    var back = await GrainFactory.GetGrain<IInventoryGrain>(line.AlbumId).ChangeStockAsync(new StockChange(StockChangeKind.Return,
                        line.Quantity, line.UnitPrice, notes, null, OrderId, StockChange.KeyFor("return", OrderId, $"{index}:{line.AlbumId:N}")));
                    if (back.Status != StockChangeStatus.Applied)
                    {
                        logger.LogError("Returning {Quantity} of album {AlbumId} for order {OrderNumber} was refused: {Status}.",
                            line.Quantity, line.AlbumId, _live.OrderNumber, back.Status);
                    }
                }

                _live.Stock = OrderStock.Returned;
                break;
        }
    }

    private void Cancel()
    {
        _live.Status = OrderStatus.Cancelled;
        _live.HeldForReview = false;
        _live.PendingNotices.Add(new OrderNotice(OrderId, null, OrderNoticeKind.Cancelled, _live.Total, [], clock.GetUtcNow()));
    }

    private void FollowShipments()
    {
        var target = OrderLifecycle.Follow(_live.Status, [.. _live.Shipments.Select(shipment => shipment.Status)]);
        if (target == OrderStatus.Delivered && _live.Status == OrderStatus.Processing)
        {
            _live.Status = OrderStatus.Shipped;
        }

        if (OrderLifecycle.CanMove(_live.Status, target, _live.Channel))
        {
            _live.Status = target;
        }
    }

    private async Task<TimeSpan> TransitAsync(string? carrier) =>
        (carrier is null ? null : await store.AverageTransitAsync(carrier, CancellationToken.None)) ?? CarrierDefaults.Transit(carrier);

    private async Task<bool> ExtendHoldAsync(TimeSpan ttl) =>
        _live.Stock != OrderStock.Held || await ExtendAsync(_live.ReservationId!.Value, ttl);

    private async Task<bool> ExtendAsync(Guid reservationId, TimeSpan ttl) =>
        (await Reservation(reservationId).ExtendAsync(ttl)).Result == ReservationResult.Ok;

    /// <summary>Stores the live state as the next version, then publishes what happened.</summary>
    private async Task StoreAsync(FraudAlert? alert = null)
    {
        _live.Version++;
        _live.UpdatedAt = clock.GetUtcNow();
        var copy = _live.Copy();
        await _reminder.StoreAsync(state, copy, $"order {OrderId}");
        _stored = copy;
        _catchUp.Kick();
        await PublishAsync(copy, alert);
    }

    private async Task PublishAsync(OrderState stored, FraudAlert? alert)
    {
        var streams = this.GetStreamProvider(MistyStreams.Provider);
        var changed = new OrderChanged(OrderId, stored.OrderNumber, SchemaNames.Of(stored.Status), stored.Total, SchemaNames.Of(stored.Channel), stored.Version, stored.UpdatedAt);
        try
        {
            await streams.GetStream<OrderChanged>(StreamId.Create(MistyStreams.Orders, OrderId)).OnNextAsync(changed);
            await streams.GetStream<OrderChanged>(StreamId.Create(MistyStreams.Orders, MistyStreams.AllKey)).OnNextAsync(changed);
            if (alert is not null)
            {
                await streams.GetStream<FraudAlert>(StreamId.Create(MistyStreams.Fraud, OrderId)).OnNextAsync(alert);
                await streams.GetStream<FraudAlert>(StreamId.Create(MistyStreams.Fraud, MistyStreams.AllKey)).OnNextAsync(alert);
            }
        }
        catch (Exception ex)
        {
            // Subscribers see the gap in versions and re-read the order; the state itself is stored.
            logger.LogWarning(ex, "Publishing order {OrderNumber} v{Version} failed.", stored.OrderNumber, stored.Version);
        }
    }

    /// <summary>One round of after-work for the stored state: rows, then the customer's notices, then the fraud case.</summary>
    private async Task CatchUpAsync()
    {
        if (_stored is not { } stored)
        {
            return;
        }

        if (stored.Version > _projectedVersion)
        {
            await store.ProjectAsync(OrderId, stored, overwrite: false, CancellationToken.None);
            _projectedVersion = stored.Version;
        }

        foreach (var notice in stored.PendingNotices.Where(_live.PendingNotices.Contains))
        {
            await Customer(stored.CustomerId).ApplyOrderNoticeAsync(notice);
            // Leaves the outbox with the next write; until then a replay is harmless (notices are idempotent).
            _live.PendingNotices.Remove(notice);
        }

        if (stored.PendingCase is { } fraudCase && _live.PendingCase is not null)
        {
            await OpenFraudCaseAsync(fraudCase);
            _live.PendingCase = null;
        }
    }

    /// <summary>
    /// Opens the staff case about a flagged payment. The customer may see the case, so its opening message says only
    /// that the payment is being reviewed; the reasons are an internal note. Both are idempotent by their derived ids.
    /// </summary>
    private async Task OpenFraudCaseAsync(FraudCase fraudCase)
    {
        var grain = GrainFactory.GetGrain<ICaseGrain>(fraudCase.CaseId);
        var opened = await grain.OpenAsync(new OpenCaseRequest(
            fraudCase.CustomerId,
            $"Payment review for order {fraudCase.OrderNumber}",
            $"The payment for order {fraudCase.OrderNumber} is being reviewed before the order is processed.",
            CaseCategory.OrderIssue, CasePriority.High, null, OrderIds.FraudCaseMessageFor(fraudCase.PaymentId, "opening")));
        var noted = opened.Result == CaseResult.Ok
            ? await grain.AddMessageAsync(new CaseMessageRequest(OrderIds.FraudCaseMessageFor(fraudCase.PaymentId, "reasons"), CaseMessageKind.Note,
                FraudNote(fraudCase), null, false))
            : opened;
        if (noted.Result != CaseResult.Ok)
        {
            // The customer's row may not be projected yet: the catch-up retries.
            throw new InvalidOperationException($"Opening the fraud case of order {fraudCase.OrderNumber} failed: {noted.Result} {noted.Detail}");
        }
    }

    private static string FraudNote(FraudCase fraudCase) => string.Create(CultureInfo.InvariantCulture,
        $"""
        Fraud model: payment {fraudCase.PaymentId} ({fraudCase.OrderId}) scored {fraudCase.FraudScore:0} of 100; the order is held.
        Approve or reject it with POST /api/orders/{fraudCase.OrderId}/fraud-review.
        {string.Join("\n", fraudCase.Reasons.Select(reason => "- " + reason))}
        """);

    private bool CaughtUp() =>
        _stored is not { } stored
        || (stored.Version <= _projectedVersion && !stored.PendingNotices.Any(_live.PendingNotices.Contains)
            && (stored.PendingCase is null || _live.PendingCase is null));

    /// <summary>A payment that should be charged but has not been answered (not one waiting for review).</summary>
    private bool ChargeOutstanding() =>
        _live.Exists && _live.Status == OrderStatus.Pending && !_live.HeldForReview && _live.Payments.Any(payment => payment.Status == PaymentStatus.Pending);

    private OrderView View() => new(
        OrderId, _live.OrderNumber, _live.CustomerId, _live.Status, _live.Channel, _live.Subtotal, _live.Tax, _live.ShippingFee, _live.Total,
        _live.ShippingAddress, _live.OrderDate, _live.UpdatedAt,
        [.. _live.Lines.Select(line => new OrderLineView(line.OrderItemId, line.AlbumId, line.Quantity, line.UnitPrice, line.Discount, line.Total))],
        [.. _live.Payments.Select(payment => new PaymentView(payment.PaymentId, payment.Amount, payment.Method, payment.Status, payment.TransactionId,
            payment.FraudFlagged, payment.FraudScore, payment.FraudReasons, payment.PaymentDate, payment.CreatedAt, payment.FailureReason))],
        [.. _live.Shipments.Select(shipment => new ShipmentView(shipment.ShipmentId, shipment.Carrier, shipment.TrackingNumber, shipment.Status,
            shipment.ShippedDate, shipment.EstimatedDelivery, shipment.ActualDelivery, shipment.CreatedAt))],
        _live.HeldForReview, _live.Version, _live.RefundDecisionPending);

    private OrderOutcome Ok(Guid? partId) => new(OrderResult.Ok, View(), [], partId, null);

    private OrderOutcome Fail(OrderResult result, string? detail) => new(result, _live.Exists ? View() : null, [], null, detail);

    private OrderOutcome WrongState(string detail) => Fail(OrderResult.WrongState, detail);

    private ICustomerGrain Customer(Guid customerId) => GrainFactory.GetGrain<ICustomerGrain>(customerId);

    private IReservationGrain Reservation(Guid reservationId) => GrainFactory.GetGrain<IReservationGrain>(reservationId);

    private sealed record TakenStock(
        IReadOnlyList<PricedLine> Lines, IReadOnlyDictionary<Guid, AlbumFacts> Albums, Guid? ReservationId, OrderStock Status, OrderOutcome? Failure)
    {
        public static TakenStock Failed(OrderOutcome failure) => new([], new Dictionary<Guid, AlbumFacts>(), null, OrderStock.None, failure);
    }
}
