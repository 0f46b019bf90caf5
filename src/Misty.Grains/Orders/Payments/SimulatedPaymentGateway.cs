using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Misty.Grains.Orders.Payments;

/// <summary>Settings of the built-in simulated gateway, from the "Misty:Payments" configuration section.</summary>
public sealed class SimulatedGatewayOptions
{
    public const string Section = "Misty:Payments";

    /// <summary>Share of charges declined (0 to 1), besides the token that always declines.</summary>
    public double DeclineRate { get; set; } = 0.02;

    /// <summary>How long each call takes, as a processor's round trip would.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(150);
}

/// <summary>
/// A payment processor in memory: waits <see cref="SimulatedGatewayOptions.Latency"/>, declines a configurable share of
/// charges, and always declines the token <see cref="DeclineToken"/> (Stripe's test token), so tests can ask for a
/// decline. Whether a charge is declined follows from its idempotency key, so a retried charge gets the same answer.
/// </summary>
public sealed class SimulatedPaymentGateway(IOptions<SimulatedGatewayOptions> options, TimeProvider clock) : IPaymentGateway
{
    public const string DeclineToken = "tok_chargeDeclined";

    private readonly ConcurrentDictionary<string, GatewayResult> _charges = new(StringComparer.Ordinal);

    public async Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken)
    {
        await Task.Delay(options.Value.Latency, clock, cancellationToken);
        return _charges.GetOrAdd(charge.IdempotencyKey, key => Declines(key, charge.Token)
            ? new GatewayResult(GatewayOutcome.Declined, null, "Your card was declined.")
            : new GatewayResult(GatewayOutcome.Approved, "sim_ch_" + Hash(key)[..24].ToLowerInvariant(), null));
    }

    public async Task<GatewayResult> RefundAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await Task.Delay(options.Value.Latency, clock, cancellationToken);
        return _charges.TryGetValue(idempotencyKey, out var charge) && charge.Outcome == GatewayOutcome.Approved
            ? new GatewayResult(GatewayOutcome.Refunded, "sim_re_" + Hash("refund:" + idempotencyKey)[..24].ToLowerInvariant(), null)
            : new GatewayResult(GatewayOutcome.NotCharged, null, "No charge was made under this key.");
    }

    private bool Declines(string key, string? token)
    {
        if (token == DeclineToken)
        {
            return true;
        }

        // The key's hash as a number in [0, 1): the same key always lands on the same side of the decline rate.
        var draw = BitConverter.ToUInt64(Convert.FromHexString(Hash(key)[..16])) / (double)ulong.MaxValue;
        return draw < options.Value.DeclineRate;
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
