using Misty.Grains.Interfaces.Orders;

namespace Misty.Grains.Orders.Payments;

/// <summary>
/// The seam to a payment processor (Stripe-like). Misty registers <see cref="SimulatedPaymentGateway"/>; a real one
/// implements this interface over the processor's API and is registered in its place (see UseMisty). Calls carry an
/// idempotency key (the payment id), so a charge retried after a crash or timeout is charged once.
/// </summary>
public interface IPaymentGateway
{
    Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken);

    /// <summary>Refunds the charge made under <paramref name="idempotencyKey"/>; answers NotCharged when there was none.</summary>
    Task<GatewayResult> RefundAsync(string idempotencyKey, CancellationToken cancellationToken);
}

/// <param name="Token">The processor's token for the card or account, when the caller has one.</param>
public sealed record GatewayCharge(string IdempotencyKey, decimal Amount, PaymentMethod Method, string? Token, string Description);

public enum GatewayOutcome
{
    Approved,
    Declined,
    Refunded,
    NotCharged,
}

/// <param name="TransactionId">The processor's reference, stored as payments.transaction_id.</param>
/// <param name="Message">Why a charge was declined, in the processor's words.</param>
public sealed record GatewayResult(GatewayOutcome Outcome, string? TransactionId, string? Message);
