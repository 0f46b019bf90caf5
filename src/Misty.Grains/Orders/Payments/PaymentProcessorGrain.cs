using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Misty.Grains.Orders.Payments;

/// <summary>Reaches the payment processor from a node that holds its credentials (a Misty.Web node).</summary>
public interface IPaymentProcessorGrain : IGrainWithIntegerKey
{
    Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken);

    Task<GatewayResult> RefundAsync(string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>
/// Runs a charge or refund with the gateway of the silo it activates on. Headless silos do not host it (see
/// <see cref="RemotePaymentsExtensions.UseRemotePayments"/>), so it runs where the gateway is the one the web node
/// configured from the integrations (Stripe when connected): the headless silos never hold the processor's secrets.
/// </summary>
[StatelessWorker]
internal sealed class PaymentProcessorGrain(IPaymentGateway gateway) : Grain, IPaymentProcessorGrain
{
    public Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken) => gateway.ChargeAsync(charge, cancellationToken);

    public Task<GatewayResult> RefundAsync(string idempotencyKey, CancellationToken cancellationToken) => gateway.RefundAsync(idempotencyKey, cancellationToken);
}

/// <summary>A headless silo's gateway: every charge and refund goes to a <see cref="IPaymentProcessorGrain"/> on a web node.</summary>
internal sealed class RemotePaymentGateway(IGrainFactory grains) : IPaymentGateway
{
    private const int Attempts = 5;

    public Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken) =>
        CallAsync(worker => worker.ChargeAsync(charge, cancellationToken), cancellationToken);

    public Task<GatewayResult> RefundAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        CallAsync(worker => worker.RefundAsync(idempotencyKey, cancellationToken), cancellationToken);

    /// <summary>
    /// A web node that is stopping refuses the call: the next attempt goes to another one. The idempotency key makes a
    /// repeated charge one charge, whichever node's worker runs it.
    /// </summary>
    private async Task<GatewayResult> CallAsync(Func<IPaymentProcessorGrain, Task<GatewayResult>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(grains.GetGrain<IPaymentProcessorGrain>(0));
            }
            // ArgumentException: this silo has not yet learnt from the cluster manifest that a web node hosts the grain.
            catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or ArgumentException && attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
            }
        }
    }
}

public static class RemotePaymentsExtensions
{
    /// <summary>
    /// For a silo without the integrations' credentials (the headless Misty.Silo): it does not host the payment
    /// worker, and its orders charge through the worker on a web node. With no web node up, a charge fails like a
    /// processor timeout: the payment stays pending and the order retries it with the same key.
    /// </summary>
    public static IServiceCollection UseRemotePayments(this IServiceCollection services)
    {
        services.AddSingleton<IPaymentGateway, RemotePaymentGateway>();
        services.PostConfigure<GrainTypeOptions>(types => types.Classes.Remove(typeof(PaymentProcessorGrain)));
        return services;
    }
}
