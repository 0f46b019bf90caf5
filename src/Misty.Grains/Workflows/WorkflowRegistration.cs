using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Projections;
using Misty.Grains.Replenishment;
using Misty.Grains.Reservations;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Grains.Workflows.Engine;
using Npgsql;

namespace Misty.Grains.Workflows;

public static class WorkflowRegistration
{
    /// <summary>The workflow engine, its clock and store, and the built-in workflows' plans.</summary>
    public static ISiloBuilder AddMistyWorkflows(this ISiloBuilder silo, NpgsqlDataSource database)
    {
        var services = silo.Services;
        services.AddOptions<WorkflowOptions>();
        services.TryAddKeyedSingleton<TimeProvider>(WorkflowClock.Key, (provider, _) => provider.GetRequiredService<TimeProvider>());
        services.AddSingleton<WorkflowPlans>();
        services.AddSingleton<IWorkflowStore>(new PostgresWorkflowStore(database));
        // Workflows first: a run's row refers to its workflow's row.
        services.AddProjectionRebuilder("workflows",
            new ProjectedGrainKind(WorkflowGrain.StateName, (grains, workflow) => grains.GetGrain<IWorkflowGrain>(workflow).RebuildProjectionAsync()),
            new ProjectedGrainKind(WorkflowExecutionGrain.StateName, (grains, run) => grains.GetGrain<IWorkflowExecutionGrain>(run).RebuildProjectionAsync()));
        services.TryAddSingleton<ReorderNotices>();
        services.AddSingleton(provider => new ReplenishmentStore(database, provider.GetRequiredService<ReorderNotices>()));
        services.AddSingleton(new ReplenishmentSweep(database));
        services.AddSingleton(new MetricsRollup(database));
        services.AddSingleton<ReservationRecords>();
        services.AddSingleton<IWorkflowPlan, LowStockReorderPlan>();
        services.AddSingleton<IWorkflowPlan, DailyMetricsRollupPlan>();
        services.AddSingleton<IWorkflowPlan, ExpiredReservationSweepPlan>();
        services.AddSingleton<IWorkflowPlan, ReservationRecordRetentionPlan>();
        services.AddSingleton(new RowKeys(database));
        services.AddSingleton<IWorkflowPlan, CaseSlaSweepPlan>();
        // The grains' own clock, not the workflow clock: the check must ask what the grains will answer.
        services.AddSingleton<IWorkflowPlan>(provider =>
            new CustomerSegmentRefreshPlan(provider.GetRequiredService<IGrainFactory>(), database, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IWorkflowPlan, FraudReviewPlan>();
        services.AddSingleton(new Forecasting.DemandForecastStore(database));
        services.AddSingleton<IWorkflowPlan, DemandForecastRefreshPlan>();
        services.AddSingleton<IWorkflowPlan, ReplenishmentRunPlan>();
        services.AddSingleton<IWorkflowPlan, CaseReplyDraftPlan>();
        silo.AddStartupTask<DefineBuiltInWorkflows>();
        return silo;
    }
}
