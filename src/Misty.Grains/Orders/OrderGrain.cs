using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders.Fraud;
using Misty.Grains.Orders.Payments;
using Orleans.Runtime;

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

    private StatePipeline<OrderState, object> _pipeline = null!;
    private OrderBook _book = null!;
    private OrderPricing _pricing = null!;
    private FraudModel _fraud = null!;
    private OrderStockClerk _stock = null!;
    private OrderCashier _cashier = null!;

    private Guid OrderId => this.GetPrimaryKey();

    private OrderOptions Options => options.Value;

    private OrderState Live => _pipeline.Live;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pricing = new OrderPricing(Options);
        _fraud = new FraudModel(Options.FraudThreshold);
        _stock = new OrderStockClerk(GrainFactory, store, Options, logger);
        _cashier = new OrderCashier(gateway, Options, logger);
        var streams = this.GetStreamProvider(MistyStreams.Provider);
        _pipeline = new StatePipeline<OrderState, object>(this, state.State, new()
        {
            Write = state.Writer(),
            Publish = changes => OrderEvents.PublishAsync(streams, OrderId, changes),
            Version = stored => stored.Version,
            Project = (stored, overwrite) => store.ProjectAsync(OrderId, stored, overwrite, CancellationToken.None),
            Deliver = stored => OrderOutbox.DeliverAsync(GrainFactory, stored, Live),
            Delivered = stored => OrderOutbox.Delivered(stored, Live),
            Reminder = "order-catch-up",
            ReminderPeriod = Options.CatchUpPeriod,
            KeepsReminder = () => _book.ChargeOutstanding,
        }, logger, $"order {OrderId}");
        if (!state.RecordExists && await store.LoadOrderAsync(OrderId, cancellationToken) is { } row)
        {
            // An order that exists only as rows (seeded): the grain starts from them.
            _pipeline.Live = row;
        }
        else if (state.RecordExists)
        {
            // A crash may have come between storing a change and finishing its after-work; replaying it is idempotent.
            _pipeline.Resume();
        }

        _book = new OrderBook(Live, OrderId);
    }

    public Task<OrderView?> GetAsync() => Task.FromResult(Live.Exists ? _book.View() : null);

    public async Task<OrderOutcome> CreateAsync(OrderDraft draft)
    {
        if (Live.Exists)
        {
            return Live.RequestHash == draft.RequestHash
                ? Ok(Live.Payments.FirstOrDefault()?.PaymentId)
                : Fail(OrderResult.KeyReused, "This order id (reservation or Idempotency-Key) was used for a different order.");
        }

        var risk = await GrainFactory.GetGrain<ICustomerGrain>(draft.CustomerId).GetRiskAsync();
        if (risk is null)
        {
            return Fail(OrderResult.UnknownCustomer, $"Customer {draft.CustomerId} does not exist.");
        }

        var stock = await _stock.TakeAsync(OrderId, draft);
        if (stock.Failure is { } failure)
        {
            return failure;
        }

        var now = clock.GetUtcNow();
        var totals = _pricing.Totals(stock.Lines, draft.Channel);
        var assessment = _fraud.Assess(OrderBook.FraudInputOf(draft, totals, stock, risk, now));
        var orderNumber = await store.NextOrderNumberAsync(now, CancellationToken.None);
        var paymentId = Guid.NewGuid();
        // Linked (and stored) before the order stores the payment, so the id in the answer always resolves.
        await GrainFactory.GetGrain<IOrderPartGrain>(paymentId).LinkAsync(OrderId);

        var (placed, alert) = OrderBook.Place(OrderId, new OrderPlacement(draft, orderNumber, totals, stock, paymentId, assessment, now));
        _pipeline.Live = placed;
        _book = new OrderBook(placed, OrderId);
        await StoreAsync(alert);
        if (assessment.Flagged)
        {
            // Held for review: the stock stays put until a manager decides (or the hold runs out).
            Telemetry.MistyMetrics.FraudFlag();
            await _stock.KeepAsync(Live, Options.ReviewHold);
        }
        else
        {
            await SettleAsync();
        }

        return Ok(paymentId);
    }

    public async Task<OrderOutcome> CancelAsync(string actor, bool refundPayments)
    {
        if (Refused(_book.CancelRefusal()) is { } refused)
        {
            return refused;
        }

        if (await RefundAllAsync($"order cancelled by {actor}", refundPayments) is { } failure)
        {
            return failure;
        }

        await PutBackStockAsync($"order {Live.OrderNumber} cancelled by {actor}");
        _book.Cancel(clock.GetUtcNow());
        await StoreAsync();
        return Ok(null);
    }

    public async Task<OrderOutcome> DecideRefundAsync(bool refund, string actor)
    {
        if (Refused(Live.RefundDecisionPending ? null : "The order does not wait for a refund decision.") is { } refused)
        {
            return refused;
        }

        if (refund && await RefundAllAsync($"refunded by {actor} after the order was cancelled", refundCompleted: true) is { } failure)
        {
            return failure;
        }

        _book.DecideRefund();
        await StoreAsync();
        return Ok(null);
    }

    public async Task<OrderOutcome> ReviewFraudAsync(bool approve, string actor)
    {
        if (Refused(Live.HeldForReview ? null : "The order is not held for fraud review.") is { } refused)
        {
            return refused;
        }

        _book.Release();
        if (approve)
        {
            await StoreAsync();
            await SettleAsync();
            return Ok(null);
        }

        _book.FailPendingPayments($"rejected on fraud review by {actor}", clock.GetUtcNow());
        await PutBackStockAsync($"order {Live.OrderNumber} rejected on fraud review");
        _book.Close(clock.GetUtcNow());
        await StoreAsync();
        return Ok(null);
    }

    public async Task<OrderOutcome> AddShipmentAsync(string carrier, string trackingNumber)
    {
        if (Refused(_book.ShipmentRefusal()) is { } refused)
        {
            return refused;
        }

        var now = clock.GetUtcNow();
        var transit = await store.TransitAsync(carrier);
        var shipmentId = Guid.NewGuid();
        await GrainFactory.GetGrain<IOrderPartGrain>(shipmentId).LinkAsync(OrderId);
        _book.AddShipment(shipmentId, carrier, trackingNumber, now + Options.HandlingTime + transit, now);
        await StoreAsync();
        return Ok(shipmentId);
    }

    public async Task<OrderOutcome> UpdateShipmentAsync(Guid shipmentId, ShipmentStatus status)
    {
        var index = Live.Shipments.FindIndex(shipment => shipment.ShipmentId == shipmentId);
        if (index < 0)
        {
            return Fail(OrderResult.NotFound, $"Shipment {shipmentId} does not exist.");
        }

        if (_book.ShipmentUpdateRefusal(index, status) is { } refusal)
        {
            return WrongState(refusal);
        }

        // Once it has left, the estimate is the carrier's average transit from the day it left.
        var transit = _book.Leaves(index, status) ? await store.TransitAsync(Live.Shipments[index].Carrier) : (TimeSpan?)null;
        _book.UpdateShipment(index, status, transit, clock.GetUtcNow());
        await StoreAsync();
        return Ok(shipmentId);
    }

    public async Task<OrderOutcome> RefundPaymentAsync(Guid paymentId, string actor)
    {
        var index = Live.Payments.FindIndex(payment => payment.PaymentId == paymentId);
        if (index < 0)
        {
            return Fail(OrderResult.NotFound, $"Payment {paymentId} does not exist.");
        }

        if (Live.Payments[index].Status != PaymentStatus.Completed)
        {
            return WrongState($"Only a completed payment can be refunded; this one is {SchemaNames.Of(Live.Payments[index].Status)}.");
        }

        if (await RefundAsync(index, $"refunded by {actor}") is { } failure)
        {
            return failure;
        }

        _book.SettleRefundDecision();
        await StoreAsync();
        return Ok(paymentId);
    }

    public async Task<OrderOutcome> ApplyProcessorOutcomeAsync(Guid paymentId, ProcessorOutcome outcome)
    {
        var index = Live.Payments.FindIndex(payment => payment.PaymentId == paymentId);
        if (index < 0)
        {
            return Fail(OrderResult.NotFound, $"Payment {paymentId} does not exist.");
        }

        if (outcome != ProcessorOutcome.Refunded)
        {
            await SettleAsync();
        }
        else if (_book.RefundedAtProcessor(index, clock.GetUtcNow()))
        {
            await StoreAsync();
        }

        return Ok(paymentId);
    }

    public Task<bool> RebuildProjectionAsync() => _pipeline.RebuildAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_book.ChargeOutstanding)
        {
            await SettleAsync();
        }

        await _pipeline.OnReminderAsync();
    }

    /// <summary>
    /// Charges the pending payment unless it waits for review: approved, the held units are sold and the order moves on;
    /// declined, the order is cancelled and its units go back. A gateway that does not answer leaves it pending, and the
    /// reminder tries again (the payment id is the idempotency key, so nothing is charged twice).
    /// </summary>
    private async Task SettleAsync()
    {
        var index = _book.PaymentToCharge;
        if (index < 0)
        {
            return;
        }

        var payment = Live.Payments[index];
        if (Live.Stock == OrderStock.Held && !await _stock.KeepAsync(Live, Options.PaymentWindow))
        {
            _book.FailPendingPayments("the held stock expired before the payment was made", clock.GetUtcNow());
            _book.Close(clock.GetUtcNow());
            await StoreAsync();
            return;
        }

        if (await _cashier.ChargeAsync(payment, Live.OrderNumber) is not { } result)
        {
            await _pipeline.EnsureReminderAsync();
            return;
        }

        if (result.Outcome == GatewayOutcome.Approved)
        {
            await CompleteAsync(index, result);
        }
        else
        {
            _book.FailPendingPayments(result.Message ?? "declined", clock.GetUtcNow());
            await PutBackStockAsync($"payment for order {Live.OrderNumber} declined");
            _book.Close(clock.GetUtcNow());
        }

        await StoreAsync();
    }

    private async Task CompleteAsync(int index, GatewayResult result)
    {
        _book.Charged(index, result.TransactionId, clock.GetUtcNow());
        if (!await _stock.SellAsync(OrderId, Live))
        {
            // Only when the hold ran out despite being extended: the money goes back and so does the order.
            _book.StockPutBack();
            await RefundAsync(index, "the held stock expired before it could be sold");
            _book.Close(clock.GetUtcNow());
            return;
        }

        _book.Sold(index, clock.GetUtcNow());
    }

    /// <summary>Gives the payment's money back (cash at the till, anything else through the gateway).</summary>
    /// <returns>A failure when the gateway could not refund (nothing changed then), otherwise null.</returns>
    private async Task<OrderOutcome?> RefundAsync(int index, string reason)
    {
        if (await _cashier.RefundAsync(Live.Payments[index]) is not { } refund)
        {
            return Fail(OrderResult.GatewayUnavailable, "The payment gateway did not answer; nothing was changed, try again.");
        }

        _book.Refunded(index, refund, reason, clock.GetUtcNow());
        return null;
    }

    /// <summary>
    /// Refunds every completed payment, and undoes a charge that may have gone through for a pending one whose gateway
    /// call went unanswered; pending payments then fail.
    /// </summary>
    /// <param name="refundCompleted">False: completed payments stay as they are (someone who may not refund cancelled).</param>
    private async Task<OrderOutcome?> RefundAllAsync(string reason, bool refundCompleted)
    {
        for (var index = 0; index < Live.Payments.Count; index++)
        {
            var payment = Live.Payments[index];
            if (((refundCompleted && payment.Status == PaymentStatus.Completed) || _book.MayBeCharged(payment)) && await RefundAsync(index, reason) is { } failure)
            {
                return failure;
            }
        }

        _book.FailPendingPayments(reason, clock.GetUtcNow());
        return null;
    }

    private async Task PutBackStockAsync(string notes)
    {
        await _stock.PutBackAsync(OrderId, Live, notes);
        _book.StockPutBack();
    }

    /// <summary>Stores the live state as the next version, announcing the change (and a fraud alert).</summary>
    private Task StoreAsync(FraudAlert? alert = null)
    {
        _pipeline.Announce(_book.NextVersion(clock.GetUtcNow()));
        if (alert is not null)
        {
            _pipeline.Announce(alert);
        }

        return _pipeline.StoreAsync();
    }

    private OrderOutcome Ok(Guid? partId) => new(OrderResult.Ok, _book.View(), [], partId, null);

    private OrderOutcome Fail(OrderResult result, string? detail) => new(result, Live.Exists ? _book.View() : null, [], null, detail);

    private OrderOutcome WrongState(string detail) => Fail(OrderResult.WrongState, detail);

    /// <returns>Not found for an order that does not exist, wrong state for a <paramref name="refusal"/>, or null to go ahead.</returns>
    private OrderOutcome? Refused(string? refusal) => !Live.Exists ? Fail(OrderResult.NotFound, null) : refusal is null ? null : WrongState(refusal);
}
