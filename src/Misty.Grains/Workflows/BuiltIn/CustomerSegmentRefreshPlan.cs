using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Customer segment refresh: every customer's grain re-derives its segment, status and preferred genre as of today.
/// Orders move a customer's segment as they happen; time moves it too (a VIP who stops buying drifts towards casual),
/// and only a refresh notices. Safe to repeat: a customer whose figures have not moved is not written again.
/// </summary>
public sealed class CustomerSegmentRefreshPlan(IGrainFactory grains, RowKeys keys) : IWorkflowPlan
{
    public const string PlanKey = "customer-segment-refresh";

    // Each page's grains are called at once, then the next page's: a first activation of a seeded customer uses two
    // database connections (its state and its rows), so a page stays well inside the connection pool.
    private const int PageSize = 32;

    private const string Customers =
        "SELECT customer_id FROM customers WHERE deleted_at IS NULL AND customer_id > @after ORDER BY customer_id LIMIT @limit";

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("refresh-segments", RefreshAsync)];

    private async Task<StepResult> RefreshAsync(StepContext context)
    {
        var (customers, changed) = (0, 0);
        await foreach (var page in keys.PagesAsync(Customers, PageSize, context.Cancellation))
        {
            var outcomes = await Task.WhenAll(page.Select(customerId => grains.GetGrain<ICustomerGrain>(customerId).RefreshSegmentAsync()));
            customers += outcomes.Length;
            changed += outcomes.Count(outcome => outcome);
        }

        return new StepResult($"Refreshed {customers} customer(s); {changed} changed.", new { customers, changed });
    }
}
