using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Orders;

/// <summary>
/// Cancelling and refunding. Only managers (and admins) refund, whichever door: a customer cancelling an order that has
/// not shipped gets their money back, but staff cancelling a paid order leave its payments completed and the order
/// waiting for a manager's refund decision. Every refund is audited as orders.payment_refunded, one entry per payment.
/// </summary>
public static partial class OrdersApi
{
    private static IEndpointRouteBuilder MapOrderRefunds(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/orders/{orderId:guid}/cancel", CancelAsync).WithTags("Orders").RequireAuthorization(MistyPolicies.Storefront)
            .WithName("cancelOrder")
            .WithSummary("Cancels the order: held stock is released, sold units come back; payments are refunded when a manager or the " +
                         "customer cancels, and wait for a manager's refund decision when staff do.");
        routes.MapPost("/api/orders/{orderId:guid}/refund-decision", DecideRefundAsync).WithTags("Orders").RequireAuthorization(MistyPolicies.Manager)
            .WithName("decideRefund")
            .WithSummary("Decides on a cancelled order's completed payments: refund them all, or keep them.");
        routes.MapPost("/api/payments/{paymentId:guid}/refund", RefundAsync).WithTags("Orders").RequireAuthorization(MistyPolicies.Manager)
            .WithName("refundPayment")
            .WithSummary("Refunds a completed payment.");
        return routes;
    }

    /// <summary>Managers and admins refund; a storefront caller is the customer (by token) cancelling before shipping.</summary>
    private static bool MayRefund(ClaimsPrincipal user) =>
        !Callers.IsStaff(user) || user.IsInRole(StaffRoles.Manager) || user.IsInRole(StaffRoles.Admin);

    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem, UnavailableProblem>> CancelAsync(Guid orderId, Guid? customerId, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit)
    {
        if (await FindAsync(orderId, customerId, user, grains) is not { } order)
        {
            return OrderNotFound(orderId);
        }

        if (!Callers.IsStaff(user) && order.Status is not (OrderStatus.Pending or OrderStatus.Processing))
        {
            return Problems.Conflict($"The order is {SchemaNames.Of(order.Status)}.", "Once an order has shipped, staff cancel it (the parcel comes back first).");
        }

        var outcome = await grains.GetGrain<IOrderGrain>(orderId).CancelAsync(Callers.Id(user), MayRefund(user));
        if (outcome.Result != OrderResult.Ok)
        {
            return Refused<Ok<OrderResponse>>(outcome, []);
        }

        var cancelled = outcome.Order!;
        await audit.RecordAsync(new AuditEntry("orders.cancelled", Callers.Id(user), $"Order {order.OrderNumber} cancelled.")
        {
            Severity = cancelled.RefundDecisionPending ? AuditSeverity.Warning : AuditSeverity.Info,
            Details = new Dictionary<string, object?>
            {
                ["orderId"] = orderId,
                ["total"] = order.Total,
                ["previousStatus"] = SchemaNames.Of(order.Status),
                ["refundDecisionPending"] = cancelled.RefundDecisionPending,
            },
        });
        await AuditRefundsAsync(audit, user, order, cancelled, "cancel");
        return TypedResults.Ok(OrderResponse.From(cancelled));
    }

    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem, UnavailableProblem>> DecideRefundAsync(Guid orderId, RefundDecisionRequest request, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit)
    {
        if (request.Refund is not { } refund)
        {
            return Problems.Field("refund", "Required: true to refund the completed payments, false to keep them.");
        }

        var grain = grains.GetGrain<IOrderGrain>(orderId);
        var before = await grain.GetAsync();
        var outcome = await grain.DecideRefundAsync(refund, Callers.Id(user));
        if (outcome.Result != OrderResult.Ok)
        {
            return outcome.Result == OrderResult.NotFound ? OrderNotFound(orderId) : Refused<Ok<OrderResponse>>(outcome, []);
        }

        if (!refund)
        {
            await audit.RecordAsync(new AuditEntry("orders.refund_declined", Callers.Id(user),
                $"The payments of cancelled order {outcome.Order!.OrderNumber} are kept, not refunded.")
            {
                Severity = AuditSeverity.Warning,
                Details = new Dictionary<string, object?> { ["orderId"] = orderId, ["total"] = outcome.Order.Total },
            });
        }

        await AuditRefundsAsync(audit, user, before!, outcome.Order!, "refund-decision");
        return TypedResults.Ok(OrderResponse.From(outcome.Order!));
    }

    private static async Task<Results<Ok<PaymentResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem, UnavailableProblem>> RefundAsync(Guid paymentId, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit)
    {
        if (await grains.GetGrain<IOrderPartGrain>(paymentId).GetOrderAsync() is not { } orderId)
        {
            return PartNotFound("payment", paymentId);
        }

        var grain = grains.GetGrain<IOrderGrain>(orderId);
        var before = await grain.GetAsync();
        var outcome = await grain.RefundPaymentAsync(paymentId, Callers.Id(user));
        if (outcome.Result != OrderResult.Ok)
        {
            return outcome.Result == OrderResult.NotFound ? PartNotFound("payment", paymentId) : Refused<Ok<PaymentResponse>>(outcome, []);
        }

        await AuditRefundsAsync(audit, user, before!, outcome.Order!, "payment");
        return TypedResults.Ok(PaymentResponse.From(orderId, outcome.Order!.Payments.First(candidate => candidate.PaymentId == paymentId)));
    }

    /// <summary>One orders.payment_refunded entry per payment that a change took from completed to refunded.</summary>
    private static async Task AuditRefundsAsync(IAuditLog audit, ClaimsPrincipal user, OrderView before, OrderView after, string via)
    {
        var wasCompleted = before.Payments.Where(payment => payment.Status == PaymentStatus.Completed).Select(payment => payment.PaymentId).ToHashSet();
        foreach (var payment in after.Payments.Where(payment => payment.Status == PaymentStatus.Refunded && wasCompleted.Contains(payment.PaymentId)))
        {
            await audit.RecordAsync(new AuditEntry("orders.payment_refunded", Callers.Id(user),
                string.Create(CultureInfo.InvariantCulture, $"Payment of {payment.Amount:0.00} on order {after.OrderNumber} refunded."))
            {
                Severity = AuditSeverity.Warning,
                Details = new Dictionary<string, object?>
                {
                    ["orderId"] = after.OrderId,
                    ["paymentId"] = payment.PaymentId,
                    ["amount"] = payment.Amount,
                    ["via"] = via,
                },
            });
        }
    }
}
