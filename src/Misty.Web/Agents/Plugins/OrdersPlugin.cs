using System.ComponentModel;
using Microsoft.SemanticKernel;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Orders;

namespace Misty.Web.Agents.Plugins;

public sealed class OrdersPlugin(AgentGate gate, IGrainFactory grains, OrderDirectory directory)
{
    [KernelFunction("get_order"), Description("Read only. One order with its lines, payments and shipments.")]
    [AgentTool("orders", readOnly: true)]
    public Task<string> GetOrderAsync(Kernel kernel,
        [Description("The order's id (a GUID).")] string orderId,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("orderId", orderId);
        return gate.RunAsync(kernel, "get_order", input, async _ =>
            await grains.GetGrain<IOrderGrain>(id).GetAsync() is { } order ? ToolOutcome.Ok(OrderResponse.From(order)) : ToolOutcome.NotFound("order", orderId),
            cancellationToken);
    }

    [KernelFunction("list_orders"), Description("Read only. Recent orders, newest first, optionally of one customer or status.")]
    [AgentTool("orders", readOnly: true)]
    public Task<string> ListOrdersAsync(Kernel kernel,
        [Description("Only this customer's orders (a GUID), optional.")] string? customerId = null,
        [Description("Only orders in this status: pending, processing, shipped, delivered or cancelled; optional.")] string? status = null,
        [Description("How many orders to answer, 1 to 50.")] int limit = 20,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var customer = input.OptionalId("customerId", customerId);
        var state = input.Choice<OrderStatus>("status", status, required: false);
        var size = input.Number("limit", limit, 1, 50);
        return gate.RunAsync(kernel, "list_orders", input, async ct =>
        {
            var page = await directory.ListAsync(new OrderQuery(customer, state, null, null, null, 1, size), ct);
            return ToolOutcome.Ok(new { total = page.Total, orders = page.Items });
        }, cancellationToken);
    }

    [KernelFunction("cancel_order"), Description("Writes. Cancels an order: held stock is released; payments are refunded when this agent may refund, else left to a manager's refund decision. Always waits for a manager's approval.")]
    [AgentTool("orders", readOnly: false, Destructive = true)]
    public Task<string> CancelOrderAsync(Kernel kernel,
        [Description("The order's id (a GUID).")] string orderId,
        [Description("Why the order is cancelled, up to 500 characters.")] string reason,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("orderId", orderId);
        input.Text("reason", reason, 500);
        var agent = AgentCallContext.Of(kernel).Agent;
        // A refund is a refund whichever door: only an agent that may refund (payments:write) refunds by cancelling;
        // otherwise the order is marked for a manager's refund decision.
        var mayRefund = agent.Allows("payments", write: true);
        return gate.RunAsync(kernel, "cancel_order", input, async _ =>
            Order(await grains.GetGrain<IOrderGrain>(id).CancelAsync(agent.Actor, mayRefund), orderId), cancellationToken);
    }

    internal static ToolOutcome Order(OrderOutcome outcome, string id) => outcome.Result switch
    {
        OrderResult.Ok => ToolOutcome.Ok(new { status = "done", order = OrderResponse.From(outcome.Order!) }),
        OrderResult.NotFound => ToolOutcome.NotFound("order or payment", id),
        _ => ToolOutcome.Error(ToolInput.Snake(outcome.Result.ToString()), outcome.Detail ?? "Refused; nothing changed."),
    };
}

public sealed class PaymentsPlugin(AgentGate gate, IGrainFactory grains)
{
    [KernelFunction("refund_payment"), Description("Writes. Refunds one payment of an order in full. Always waits for a manager's approval.")]
    [AgentTool("payments", readOnly: false, Destructive = true)]
    public Task<string> RefundPaymentAsync(Kernel kernel,
        [Description("The payment's id (a GUID), as get_order lists it.")] string paymentId,
        [Description("Why the payment is refunded, up to 500 characters.")] string reason,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var payment = input.Id("paymentId", paymentId);
        input.Text("reason", reason, 500);
        var actor = AgentCallContext.Of(kernel).Agent.Actor;
        return gate.RunAsync(kernel, "refund_payment", input, async _ =>
            await grains.GetGrain<IOrderPartGrain>(payment).GetOrderAsync() is { } order
                ? OrdersPlugin.Order(await grains.GetGrain<IOrderGrain>(order).RefundPaymentAsync(payment, actor), paymentId)
                : ToolOutcome.NotFound("payment", paymentId), cancellationToken);
    }
}
