using System.Globalization;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Fraud review, started by each FraudAlert: the order grain has already held the flagged order and opened a case for
/// staff (both stored with the flag, so neither waits for this run). The run checks that the order is still held, then
/// briefs the reviewer: the customer's history and the order's lines go into the case as an internal note, so the
/// manager who approves or rejects (POST /api/orders/{id}/fraud-review) decides from one place. The note's id is
/// derived from the payment, so a repeated run adds it once.
/// </summary>
public sealed class FraudReviewPlan(IGrainFactory grains) : IWorkflowPlan
{
    public const string PlanKey = "fraud-review";
    public const string CheckStep = "check-hold";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action(CheckStep, CheckAsync), WorkflowStep.Action("brief-reviewer", BriefAsync)];

    private async Task<StepResult> CheckAsync(StepContext context)
    {
        if (context.InputAs<FraudReviewInput>() is not { OrderId: { } orderId, PaymentId: not null } alert)
        {
            throw new WorkflowStepException("The run's input must name the flagged payment: {\"orderId\": ..., \"paymentId\": ...}.");
        }

        if (await grains.GetGrain<IOrderGrain>(orderId).GetAsync() is not { } order)
        {
            throw new WorkflowStepException($"There is no order {orderId}.");
        }

        if (!order.HeldForReview)
        {
            return new StepResult($"Order {order.OrderNumber} is no longer held for review: it has been decided.", alert, EndsRun: true);
        }

        return new StepResult($"Order {order.OrderNumber} is held for review.", alert);
    }

    private async Task<StepResult> BriefAsync(StepContext context)
    {
        var alert = context.OutputOf<FraudReviewInput>(CheckStep)!;
        var order = await grains.GetGrain<IOrderGrain>(alert.OrderId!.Value).GetAsync()
            ?? throw new WorkflowStepException($"There is no order {alert.OrderId}.");
        var risk = await grains.GetGrain<ICustomerGrain>(order.CustomerId).GetRiskAsync();
        var paymentId = alert.PaymentId!.Value;
        var fraudCase = grains.GetGrain<ICaseGrain>(OrderIds.FraudCaseFor(paymentId));
        var noted = await fraudCase.AddMessageAsync(new CaseMessageRequest(
            OrderIds.FraudCaseMessageFor(paymentId, "review-brief"), CaseMessageKind.Note, Brief(order, risk, context.Clock.GetUtcNow()), null, false));
        return noted.Result switch
        {
            CaseResult.Ok => new StepResult($"Briefed the reviewer in case {noted.Case!.CaseNumber}.", new { caseId = noted.Case.CaseId }),
            // The order grain opens the case just after storing the flag: try again shortly.
            CaseResult.NotFound => throw new WorkflowStepException($"The review case of payment {paymentId} is not open yet.", retryable: true),
            _ => throw new WorkflowStepException($"The review case of payment {paymentId} took no note: {noted.Result} {noted.Detail}"),
        };
    }

    /// <summary>What a reviewer asks first, in one note: who is this customer, and what is in the basket.</summary>
    public static string Brief(OrderView order, CustomerRiskProfile? risk, DateTimeOffset now)
    {
        var lines = string.Join("\n", order.Lines.Select(line => string.Create(CultureInfo.InvariantCulture,
            $"- {line.Quantity} x album {line.AlbumId} at {line.UnitPrice:0.00}")));
        var history = risk is null
            ? "The customer has no history on record."
            : string.Create(CultureInfo.InvariantCulture,
                $"""
                Customer for {(now - risk.JoinedAt).TotalDays:0} day(s): {risk.Purchases} purchase(s), lifetime value {risk.LifetimeValue:0.00}, largest purchase {risk.LargestPurchase:0.00}.
                Last 24 hours: {risk.OrdersLast24Hours} order(s), {risk.FailedPaymentsLast24Hours} failed payment(s); {risk.PaymentAttemptsLastHour} payment attempt(s) in the last hour.
                Shipping to {order.ShippingAddress ?? "(none)"}; address on file: {risk.Address ?? "(none)"}.
                """);
        return string.Create(CultureInfo.InvariantCulture,
            $"""
            Review brief for order {order.OrderNumber} ({order.Channel.ToString().ToLowerInvariant()}), total {order.Total:0.00}:
            {history}
            Lines:
            {lines}
            """);
    }
}

/// <summary>The part of a FraudAlert (or of a manual run's input) the review needs.</summary>
public sealed record FraudReviewInput(Guid? OrderId, Guid? PaymentId);
