using Microsoft.Extensions.Logging;
using Misty.Grains.Interfaces.Orders;

namespace Misty.Grains.Orders.Payments;

/// <summary>Takes and gives back an order's money: cash at the till, anything else through the gateway, within its timeout.</summary>
public sealed class OrderCashier(IPaymentGateway gateway, OrderOptions options, ILogger logger)
{
    /// <returns>The gateway's answer, or null when it did not answer (the payment stays pending and is charged again later).</returns>
    public async Task<GatewayResult?> ChargeAsync(PaymentRecord payment, string orderNumber)
    {
        if (payment.Method == PaymentMethod.Cash)
        {
            return new GatewayResult(GatewayOutcome.Approved, null, null);
        }

        try
        {
            using var timeout = new CancellationTokenSource(options.GatewayTimeout);
            return await gateway.ChargeAsync(new GatewayCharge(payment.PaymentId.ToString(), payment.Amount, payment.Method, payment.Token,
                $"Misty order {orderNumber}"), timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Charging payment {PaymentId} of order {OrderNumber} failed; it stays pending and is retried.", payment.PaymentId, orderNumber);
            return null;
        }
    }

    /// <returns>The gateway's answer, or null when it did not answer (nothing was changed).</returns>
    public async Task<GatewayResult?> RefundAsync(PaymentRecord payment)
    {
        if (payment.Method == PaymentMethod.Cash)
        {
            return new GatewayResult(GatewayOutcome.Refunded, null, null);
        }

        try
        {
            using var timeout = new CancellationTokenSource(options.GatewayTimeout);
            return await gateway.RefundAsync(payment.PaymentId.ToString(), timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Refunding payment {PaymentId} failed.", payment.PaymentId);
            return null;
        }
    }
}
