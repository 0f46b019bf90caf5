using Microsoft.Extensions.Options;
using Misty.Grains.Orders.Payments;
using Misty.Web.Integrations;

namespace Misty.Web.Payments;

/// <summary>
/// The gateway orders use on this node: Stripe while the <c>stripe</c> integration is connected and holds a secret key,
/// the simulated gateway otherwise (the demo's default). The integration is read at most every few seconds, so a change
/// through PUT /api/integrations/stripe applies to the next payments without a restart.
/// </summary>
public sealed class IntegrationPaymentGateway(
    IIntegrationStore integrations, IntegrationCredentials credentials, IOptions<SimulatedGatewayOptions> simulatedOptions, TimeProvider clock)
    : IPaymentGateway, IDisposable
{
    private static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(2);

    private readonly SimulatedPaymentGateway _simulated = new(simulatedOptions, clock);
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (IPaymentGateway Gateway, StripeSettings? Settings, DateTimeOffset ReadAt)? _current;

    public async Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken) =>
        await (await CurrentAsync(cancellationToken)).ChargeAsync(charge, cancellationToken);

    public async Task<GatewayResult> RefundAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        await (await CurrentAsync(cancellationToken)).RefundAsync(idempotencyKey, cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private async Task<IPaymentGateway> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && clock.GetUtcNow() - current.ReadAt < CacheTime)
        {
            return current.Gateway;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var settings = StripeSettings.From(await integrations.FindAsync(StripeSettings.ServiceName, cancellationToken), credentials);
            IPaymentGateway gateway = settings is null ? _simulated
                : _current is { Settings: { } previous, Gateway: var same } && previous == settings ? same
                : new StripePaymentGateway(settings, _http);
            _current = (gateway, settings, clock.GetUtcNow());
            return gateway;
        }
        finally
        {
            _gate.Release();
        }
    }
}
