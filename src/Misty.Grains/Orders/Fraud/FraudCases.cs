using System.Globalization;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Orders;

namespace Misty.Grains.Orders.Fraud;

/// <summary>The staff case opened about a flagged payment.</summary>
public static class FraudCases
{
    /// <summary>
    /// Opens the case. The customer may see it, so its opening message says only that the payment is being reviewed;
    /// the reasons are an internal note. Both are idempotent by their derived ids.
    /// </summary>
    public static async Task OpenAsync(IGrainFactory grains, FraudCase fraudCase)
    {
        var grain = grains.GetGrain<ICaseGrain>(fraudCase.CaseId);
        var opened = await grain.OpenAsync(new OpenCaseRequest(
            fraudCase.CustomerId,
            $"Payment review for order {fraudCase.OrderNumber}",
            $"The payment for order {fraudCase.OrderNumber} is being reviewed before the order is processed.",
            CaseCategory.OrderIssue, CasePriority.High, null, OrderIds.FraudCaseMessageFor(fraudCase.PaymentId, "opening")));
        var noted = opened.Result == CaseResult.Ok
            ? await grain.AddMessageAsync(new CaseMessageRequest(OrderIds.FraudCaseMessageFor(fraudCase.PaymentId, "reasons"), CaseMessageKind.Note,
                Note(fraudCase), null, false))
            : opened;
        if (noted.Result != CaseResult.Ok)
        {
            // The customer's row may not be projected yet: the catch-up retries.
            throw new InvalidOperationException($"Opening the fraud case of order {fraudCase.OrderNumber} failed: {noted.Result} {noted.Detail}");
        }
    }

    public static string Note(FraudCase fraudCase) => string.Create(CultureInfo.InvariantCulture,
        $"""
        Fraud model: payment {fraudCase.PaymentId} ({fraudCase.OrderId}) scored {fraudCase.FraudScore:0} of 100; the order is held.
        Approve or reject it with POST /api/orders/{fraudCase.OrderId}/fraud-review.
        {string.Join("\n", fraudCase.Reasons.Select(reason => "- " + reason))}
        """);
}
