namespace Misty.Web.Payments;

/// <summary>
/// The 200 answer to a Stripe event: Stripe keeps the body beside each delivery, so whoever reads the delivery log sees
/// what Misty did with it.
/// </summary>
/// <param name="Outcome"><c>applied</c>, <c>already_applied</c> (a replay), <c>ignored</c> (a type Misty does not act on) or
/// <c>no_payment</c> (names no payment of Misty's).</param>
public sealed record StripeWebhookReceipt(string EventId, string Type, string Outcome)
{
    public const string Applied = "applied";
    public const string AlreadyApplied = "already_applied";
    public const string Ignored = "ignored";
    public const string NoPayment = "no_payment";
}
