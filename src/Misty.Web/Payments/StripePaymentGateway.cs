using Misty.Grains.Orders.Payments;
using Stripe;

namespace Misty.Web.Payments;

/// <summary>
/// Charges and refunds through Stripe's PaymentIntents API with Stripe.net. The payment id is Misty's idempotency key:
/// it is Stripe's idempotency key of the create and refund calls and the intent's metadata, so a charge retried after a
/// crash or a timeout is one charge, and the intent can be found again to refund it. A decline (a card error) is an
/// answer; a timeout, a network failure or a server error throws, which leaves the payment pending for the order's
/// retry with the same key.
/// </summary>
public sealed class StripePaymentGateway(StripeSettings settings, HttpClient http) : IPaymentGateway
{
    public const string PaymentIdKey = "misty_payment_id";

    private readonly StripeClient _client = new(settings.SecretKey, httpClient: new SystemNetHttpClient(http, maxNetworkRetries: 0),
        apiBase: settings.ApiBase);

    public async Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken)
    {
        var intents = new PaymentIntentService(_client);
        PaymentIntent intent;
        try
        {
            intent = await intents.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = AmountInCents(charge.Amount),
                Currency = settings.Currency,
                PaymentMethod = charge.Token,
                Confirm = true,
                Description = charge.Description,
                Metadata = new Dictionary<string, string> { [PaymentIdKey] = charge.IdempotencyKey },
                AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
            }, new RequestOptions { IdempotencyKey = "misty-charge-" + charge.IdempotencyKey }, cancellationToken);
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "card_error")
        {
            return new GatewayResult(GatewayOutcome.Declined, ex.StripeError.PaymentIntent?.Id, ex.StripeError.Message ?? "Your card was declined.");
        }

        if (intent.Status is not ("succeeded" or "requires_payment_method" or "canceled"))
        {
            // A replayed create answers as it first did: ask for the intent as it is now.
            intent = await intents.GetAsync(intent.Id, cancellationToken: cancellationToken);
        }

        return intent.Status switch
        {
            "succeeded" => new GatewayResult(GatewayOutcome.Approved, intent.Id, null),
            "requires_payment_method" or "canceled" => new GatewayResult(GatewayOutcome.Declined, intent.Id,
                intent.LastPaymentError?.Message ?? "The payment was declined."),
            _ => throw new StripeException($"Payment intent {intent.Id} is {intent.Status}; the outcome follows later."),
        };
    }

    public async Task<GatewayResult> RefundAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var found = await new PaymentIntentService(_client).SearchAsync(new PaymentIntentSearchOptions
        {
            Query = $"metadata['{PaymentIdKey}']:'{idempotencyKey}'",
        }, cancellationToken: cancellationToken);
        if (found.Data.FirstOrDefault(intent => intent.Status == "succeeded") is not { } charged)
        {
            return new GatewayResult(GatewayOutcome.NotCharged, null, "No charge was made under this key.");
        }

        var refund = await new RefundService(_client).CreateAsync(new RefundCreateOptions { PaymentIntent = charged.Id },
            new RequestOptions { IdempotencyKey = "misty-refund-" + idempotencyKey }, cancellationToken);
        return refund.Status is "succeeded" or "pending"
            ? new GatewayResult(GatewayOutcome.Refunded, refund.Id, null)
            : throw new StripeException($"Refund {refund.Id} of {charged.Id} is {refund.Status}.");
    }

    /// <summary>Stripe takes amounts in the currency's smallest unit.</summary>
    public static long AmountInCents(decimal amount) => (long)decimal.Round(amount * 100m, MidpointRounding.AwayFromZero);
}
