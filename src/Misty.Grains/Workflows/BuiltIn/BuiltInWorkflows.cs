using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Workflows;
using Orleans.Runtime;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// The workflows Misty ships with, under fixed ids. Each silo defines them as it starts: a definition is idempotent and
/// leaves an admin's trigger and enabled flag alone, and it activates each workflow grain once, which registers its
/// schedule reminder or stream subscription. They all work on the relational rows, so only a silo with a database has them.
/// </summary>
public static class BuiltInWorkflows
{
    public static readonly Guid LowStockReorder = StableIds.From("misty-workflow:low-stock-reorder");
    public static readonly Guid DailyMetricsRollup = StableIds.From("misty-workflow:daily-metrics-rollup");
    public static readonly Guid ExpiredReservationSweep = StableIds.From("misty-workflow:expired-reservation-sweep");
    public static readonly Guid CaseSlaSweep = StableIds.From("misty-workflow:case-sla-sweep");
    public static readonly Guid FraudReview = StableIds.From("misty-workflow:fraud-review");
    public static readonly Guid CustomerSegmentRefresh = StableIds.From("misty-workflow:customer-segment-refresh");
    public static readonly Guid ReservationRecordRetention = StableIds.From("misty-workflow:reservation-record-retention");
    public static readonly Guid DemandForecastRefresh = StableIds.From("misty-workflow:demand-forecast-refresh");
    public static readonly Guid CustomerRecommendationRefresh = StableIds.From("misty-workflow:customer-recommendation-refresh");
    public static readonly Guid ReplenishmentRun = StableIds.From("misty-workflow:replenishment-run");
    public static readonly Guid CaseReplyDrafts = StableIds.From("misty-workflow:case-reply-drafts");
    public static readonly Guid InsightsRefresh = StableIds.From("misty-workflow:insights-refresh");

    public static IReadOnlyList<(Guid WorkflowId, WorkflowDefinition Definition)> All { get; } =
    [
        (LowStockReorder, new WorkflowDefinition(
            "Low-stock reorder",
            "Plans each album at or below its reorder point from its forecast and queues what is missing, counting what is already on order.",
            LowStockReorderPlan.PlanKey,
            WorkflowTriggerType.Event,
            new TriggerConfig(Stream: MistyStreams.Stock, Event: "LowStock"),
            Enabled: true)),
        (DailyMetricsRollup, new WorkflowDefinition(
            "Daily metrics roll-up",
            "Rolls up yesterday's sales (per channel and genre) and stock (per genre) into sales_metrics and inventory_metrics.",
            DailyMetricsRollupPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "15 0 * * *", TimeZone: "UTC"),
            Enabled: true)),
        (ExpiredReservationSweep, new WorkflowDefinition(
            "Expired-reservation sweep",
            "Releases storefront reservations whose time ran out, so their holds and stored status are final.",
            ExpiredReservationSweepPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "*/5 * * * *", TimeZone: "UTC"),
            Enabled: true)),
        (CaseSlaSweep, new WorkflowDefinition(
            "Case SLA sweep",
            "Has every open case check its service levels: assigns, warns and escalates cases that exist only as rows and have no reminder yet.",
            CaseSlaSweepPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "*/15 * * * *", TimeZone: "UTC"),
            Enabled: true)),
        (FraudReview, new WorkflowDefinition(
            "Fraud review",
            "For each flagged payment: checks that the order is held and briefs the reviewer in the fraud case with the customer's history and the basket.",
            FraudReviewPlan.PlanKey,
            WorkflowTriggerType.Event,
            new TriggerConfig(Stream: MistyStreams.Fraud, Event: "FraudAlert"),
            Enabled: true)),
        (CustomerSegmentRefresh, new WorkflowDefinition(
            "Customer segment refresh",
            "Re-derives every customer's segment, status and preferred genre as of today, since recency fades without any order.",
            CustomerSegmentRefreshPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "30 2 * * *", TimeZone: "UTC"),
            Enabled: true)),
        (ReservationRecordRetention, new WorkflowDefinition(
            "Reservation record retention",
            "Deletes the records of storefront reservations that ended more than a week ago; their idempotency keys are then free again.",
            ReservationRecordRetentionPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "45 3 * * *", TimeZone: "UTC"),
            Enabled: true)),
        (DemandForecastRefresh, new WorkflowDefinition(
            "Demand forecast refresh",
            "Forecasts every album's weekly demand 12 weeks ahead with 80 % intervals into demand_forecasts, and records the forecaster's backtest accuracy in ai_model_config.",
            DemandForecastRefreshPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "0 4 * * *", TimeZone: "UTC"),
            Enabled: true)),
        (CustomerRecommendationRefresh, new WorkflowDefinition(
            "Customer recommendation refresh",
            "Fits the recommender on every order and rewrites each customer's storefront suggestions; records its held-out accuracy in ai_model_config.",
            CustomerRecommendationRefreshPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "30 4 * * *", TimeZone: "UTC"),
            Enabled: true)),
        (ReplenishmentRun, new WorkflowDefinition(
            "Replenishment run",
            "Plans every album from its demand forecast, lead times and price lists, after the forecast refresh, and queues what is missing beyond what is on hand and on order.",
            ReplenishmentRunPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "45 4 * * *", TimeZone: "UTC"),
            Enabled: true)),
        (CaseReplyDrafts, new WorkflowDefinition(
            "Reply drafts for new cases",
            "For each new case, an AI agent (read-only) drafts a reply into the case as an internal note for a person to send. Needs an AI model: enable it once one is configured.",
            CaseReplyDraftPlan.PlanKey,
            WorkflowTriggerType.Event,
            new TriggerConfig(Stream: MistyStreams.Cases, Event: "CaseChanged", Condition: "version == 1"),
            Enabled: false)),
        (InsightsRefresh, new WorkflowDefinition(
            "Merchandising insights",
            "Raises pricing, promotion and customer win-back insights for managers to accept, dismiss or schedule, after the forecasts and recommendations are fresh.",
            InsightsRefreshPlan.PlanKey,
            WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "15 5 * * *", TimeZone: "UTC"),
            Enabled: true)),
    ];
}

/// <summary>Defines the built-in workflows as the silo starts.</summary>
public sealed class DefineBuiltInWorkflows(IGrainFactory grains, IOptions<WorkflowOptions> options, ILogger<DefineBuiltInWorkflows> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        if (!options.Value.DefineBuiltIns)
        {
            return;
        }

        foreach (var (workflowId, definition) in BuiltInWorkflows.All)
        {
            try
            {
                await grains.GetGrain<IWorkflowGrain>(workflowId).DefineAsync(definition);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The silo is still useful without it; the next silo to start defines it again.
                logger.LogError(ex, "Defining the built-in workflow '{Name}' failed.", definition.Name);
            }
        }
    }
}
