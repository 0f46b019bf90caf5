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
[GenerateSerializer, Immutable, Alias("Misty.GatewayCharge")]
public sealed record GatewayCharge(
    [property: Id(0)] string IdempotencyKey, [property: Id(1)] decimal Amount, [property: Id(2)] PaymentMethod Method,
    [property: Id(3)] string? Token, [property: Id(4)] string Description);

[GenerateSerializer, Alias("Misty.GatewayOutcome")]
public enum GatewayOutcome
{
    Approved,
    Declined,
    Refunded,
    NotCharged,
}

/// <param name="TransactionId">The processor's reference, stored as payments.transaction_id.</param>
/// <param name="Message">Why a charge was declined, in the processor's words.</param>
[GenerateSerializer, Immutable, Alias("Misty.GatewayResult")]
public sealed record GatewayResult([property: Id(0)] GatewayOutcome Outcome, [property: Id(1)] string? TransactionId, [property: Id(2)] string? Message);
