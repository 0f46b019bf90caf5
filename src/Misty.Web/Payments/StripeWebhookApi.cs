using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Api;
using Misty.Web.Integrations;
using Npgsql;
using Stripe;

namespace Misty.Web.Payments;

public static class StripeWebhookApi
{
    private const long ToleranceSeconds = 300;

    public static IServiceCollection AddStripeWeb(this IServiceCollection services)
    {
        // Registered before the silo's orders (which add the simulated gateway only when none is registered).
        services.AddSingleton<Misty.Grains.Orders.Payments.IPaymentGateway, IntegrationPaymentGateway>();
        return services;
    }

    public static IEndpointRouteBuilder MapStripeWebhookApi(this IEndpointRouteBuilder routes)
    {
        // Stripe calls without Misty's credentials: the request is authenticated by its Stripe-Signature instead.
        routes.MapPost("/api/payments/stripe/webhook", ReceiveAsync)
            .WithTags("Orders")
            .AllowAnonymous()
            .WithName("receiveStripeWebhook")
            .WithSummary("Stripe's webhook: verifies Stripe-Signature, then applies payment_intent.succeeded, payment_intent.payment_failed and charge.refunded once per event.");
        return routes;
    }

    private static async Task<Results<Ok<StripeWebhookReceipt>, BadRequestProblem, UnavailableProblem>> ReceiveAsync(HttpRequest http, IIntegrationStore integrations, IntegrationCredentials credentials,
        NpgsqlDataSource database, IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (StripeSettings.WebhookSecretOf(await integrations.FindAsync(StripeSettings.ServiceName, cancellationToken), credentials) is not { } secret)
        {
            return Problems.Unavailable("Stripe is not configured.", "The stripe integration has no webhookSecret credential.");
        }

        using var reader = new StreamReader(http.Body);
        var json = await reader.ReadToEndAsync(cancellationToken);
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, http.Headers["Stripe-Signature"].ToString(), secret, ToleranceSeconds, throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex)
        {
            return Problems.BadRequest("Invalid Stripe webhook.", ex.Message);
        }

        (ProcessorOutcome? Outcome, string? PaymentKey, string? IntentId) found = stripeEvent.Data.Object switch
        {
            PaymentIntent intent when stripeEvent.Type == EventTypes.PaymentIntentSucceeded =>
                (ProcessorOutcome.Succeeded, intent.Metadata?.GetValueOrDefault(StripePaymentGateway.PaymentIdKey), intent.Id),
            PaymentIntent intent when stripeEvent.Type == EventTypes.PaymentIntentPaymentFailed =>
                (ProcessorOutcome.Failed, intent.Metadata?.GetValueOrDefault(StripePaymentGateway.PaymentIdKey), intent.Id),
            Charge charge when stripeEvent.Type == EventTypes.ChargeRefunded =>
                (ProcessorOutcome.Refunded, charge.Metadata?.GetValueOrDefault(StripePaymentGateway.PaymentIdKey), charge.PaymentIntentId),
            _ => (null, null, null),
        };
        var (outcome, paymentKey, intentId) = found;
        if (outcome is null)
        {
            // Acknowledged, so Stripe does not retry an event Misty does not act on.
            return Receipt(stripeEvent, StripeWebhookReceipt.Ignored);
        }

        if (await AlreadyAppliedAsync(database, stripeEvent.Id, cancellationToken))
        {
            return Receipt(stripeEvent, StripeWebhookReceipt.AlreadyApplied);
        }

        if (await FindPaymentAsync(database, paymentKey, intentId, cancellationToken) is not { } payment)
        {
            loggers.CreateLogger(typeof(StripeWebhookApi)).LogWarning("Stripe event {EventId} ({Type}) names no payment of Misty's.", stripeEvent.Id, stripeEvent.Type);
            return Receipt(stripeEvent, StripeWebhookReceipt.NoPayment);
        }

        // Applied first, recorded after: applying again is a no-op in the grain, so a crash in between is harmless and a
        // replay after the record changes nothing.
        await grains.GetGrain<IOrderGrain>(payment.OrderId).ApplyProcessorOutcomeAsync(payment.PaymentId, outcome.Value);
        await RecordAsync(database, stripeEvent.Id, stripeEvent.Type, payment.OrderId, cancellationToken);
        return Receipt(stripeEvent, StripeWebhookReceipt.Applied);
    }

    private static Ok<StripeWebhookReceipt> Receipt(Event stripeEvent, string outcome) => TypedResults.Ok(new StripeWebhookReceipt(stripeEvent.Id, stripeEvent.Type, outcome));

    private static async Task<bool> AlreadyAppliedAsync(NpgsqlDataSource database, string eventId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT 1 FROM stripe_events WHERE event_id = @id");
        command.Parameters.AddWithValue("id", eventId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task RecordAsync(NpgsqlDataSource database, string eventId, string type, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO stripe_events (event_id, event_type, order_id) VALUES (@id, @type, @order) ON CONFLICT (event_id) DO NOTHING");
        command.Parameters.AddWithValue("id", eventId);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("order", orderId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The payment by Misty's id in the intent's metadata, else by the intent id stored as its transaction id.</summary>
    private static async Task<(Guid OrderId, Guid PaymentId)?> FindPaymentAsync(NpgsqlDataSource database, string? paymentKey, string? intentId,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT order_id, payment_id FROM payments WHERE payment_id = @payment OR (@intent <> '' AND transaction_id = @intent) LIMIT 1");
        command.Parameters.AddWithValue("payment", Guid.TryParse(paymentKey, out var id) ? id : Guid.Empty);
        command.Parameters.AddWithValue("intent", intentId ?? "");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetGuid(1)) : null;
    }
}
