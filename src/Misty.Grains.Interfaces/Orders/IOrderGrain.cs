namespace Misty.Grains.Interfaces.Orders;

/// <summary>
/// One order (key: order_id) with its lines, payments and shipments. Every acknowledged change is stored before the
/// answer; rows and events follow from the stored state.
/// </summary>
[Alias("Misty.IOrderGrain")]
public interface IOrderGrain : IGrainWithGuidKey
{
    /// <summary>Creates the order, scores and (unless flagged) charges its payment; a retry of the same draft gets the same answer.</summary>
    [Alias("Create")]
    Task<OrderOutcome> CreateAsync(OrderDraft draft);

    /// <returns>The order, or null when there is none.</returns>
    [Alias("Get")]
    Task<OrderView?> GetAsync();

    /// <summary>
    /// Cancels the order: held stock is released and sold units come back through the ledger. Payments are refunded when
    /// <paramref name="refundPayments"/>; otherwise completed ones stay completed and the order waits for a manager's
    /// refund decision (<see cref="DecideRefundAsync"/>), since only managers refund.
    /// </summary>
    [Alias("Cancel")]
    Task<OrderOutcome> CancelAsync(string actor, bool refundPayments);

    /// <summary>A manager's decision on a cancelled order's completed payments: refund them all, or keep them.</summary>
    [Alias("DecideRefund")]
    Task<OrderOutcome> DecideRefundAsync(bool refund, string actor);

    /// <summary>Decides on an order held for fraud review: approved, its payment is charged; rejected, the order is cancelled.</summary>
    [Alias("ReviewFraud")]
    Task<OrderOutcome> ReviewFraudAsync(bool approve, string actor);

    [Alias("AddShipment")]
    Task<OrderOutcome> AddShipmentAsync(string carrier, string trackingNumber);

    [Alias("UpdateShipment")]
    Task<OrderOutcome> UpdateShipmentAsync(Guid shipmentId, ShipmentStatus status);

    [Alias("RefundPayment")]
    Task<OrderOutcome> RefundPaymentAsync(Guid paymentId, string actor);

    /// <summary>
    /// Applies a payment outcome the processor reported later (issue 18's Stripe webhook). A success or failure settles a
    /// pending payment now (the gateway then answers with the processor's outcome); a refund marks a completed payment
    /// refunded. Applying the same outcome again changes nothing.
    /// </summary>
    [Alias("ApplyProcessorOutcome")]
    Task<OrderOutcome> ApplyProcessorOutcomeAsync(Guid paymentId, ProcessorOutcome outcome);

    /// <summary>Rewrites the order's rows from the stored grain state; false when there is no stored state.</summary>
    [Alias("RebuildProjection")]
    Task<bool> RebuildProjectionAsync();
}
