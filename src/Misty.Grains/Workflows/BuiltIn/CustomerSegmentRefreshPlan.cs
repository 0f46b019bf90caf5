using Misty.Grains.Customers;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Workflows.Engine;
using Npgsql;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Customer segment refresh: re-derives each customer's segment, status and preferred genre as of today. Orders move a
/// customer's segment as they happen; time moves it too (a VIP who stops buying drifts towards casual), and only a
/// refresh notices. The rule is first applied to every customer's projected rows at once (<see cref="SegmentDrift"/>);
/// only the customers whose segment, status or score would move are woken, and each grain re-derives it from its own
/// state, stores it and projects it. Safe to repeat: a customer whose figures have not moved is not written again.
/// A run with the input <c>{"all": true}</c> wakes every customer instead (each grain still writes only what moved).
/// </summary>
public sealed class CustomerSegmentRefreshPlan(IGrainFactory grains, NpgsqlDataSource database, TimeProvider clock) : IWorkflowPlan
{
    public const string PlanKey = "customer-segment-refresh";

    // A first activation of a seeded customer uses two database connections (its state and its rows), so this many
    // calls at a time stay well inside the connection pool; the next starts as soon as one ends.
    private const int CallsInFlight = 32;

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Action("refresh-segments", RefreshAsync)];

    private async Task<StepResult> RefreshAsync(StepContext context)
    {
        var now = clock.GetUtcNow();
        var all = context.InputAs<SegmentRefreshInput>()?.All ?? false;
        var customers = await SegmentDrift.ReadAsync(database, context.Cancellation);
        var due = customers.Where(customer => all || SegmentDrift.IsDue(customer, now)).Select(customer => customer.CustomerId).ToList();
        var outcomes = await InFlight.RunAsync(due, CallsInFlight, customerId => grains.GetGrain<ICustomerGrain>(customerId).RefreshSegmentAsync(),
            context.Cancellation);
        var changed = outcomes.Count(outcome => outcome);

        return new StepResult($"Checked {customers.Count} customer(s); {due.Count} due, {changed} changed.",
            new { customers = customers.Count, due = due.Count, changed });
    }
}

/// <param name="All">Wake every customer, not only those whose rows say their segment moved.</param>
public sealed record SegmentRefreshInput(bool All = false);
