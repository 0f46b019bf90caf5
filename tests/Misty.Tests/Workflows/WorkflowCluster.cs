using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows;
using Misty.Grains.Workflows.Engine;
using Misty.Tests.Infrastructure;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Misty.Tests.Workflows;

/// <summary>Test clusters for workflows: the test plans, one-second reminder periods, quick failure detection, an optional manual clock.</summary>
public static class WorkflowCluster
{
    public static Task<InProcessTestCluster> StartAsync(
        NpgsqlDataSource database, string connectionString, short silos = 1, ManualClock? clock = null, bool builtIns = false) =>
        PostgresCluster.StartAsync(database, connectionString, silos, configure: silo => Configure(silo.Services, clock, builtIns));

    /// <summary>Defines a workflow under a new id with a unique name.</summary>
    public static async Task<(Guid WorkflowId, IWorkflowGrain Grain)> DefineAsync(
        IGrainFactory grains, string plan, WorkflowTriggerType trigger = WorkflowTriggerType.Manual, TriggerConfig? config = null, bool enabled = true)
    {
        var workflowId = Guid.NewGuid();
        var grain = grains.GetGrain<IWorkflowGrain>(workflowId);
        await grain.DefineAsync(new WorkflowDefinition($"Test {plan} {workflowId:N}", "A workflow of the tests.", plan, trigger,
            config ?? TriggerConfig.None, enabled));
        return (workflowId, grain);
    }

    /// <summary>Waits until the run has ended (or <paramref name="seconds"/> pass) and returns it.</summary>
    public static async Task<ExecutionView> FinishedAsync(IGrainFactory grains, Guid executionId, int seconds = 30)
    {
        var execution = grains.GetGrain<IWorkflowExecutionGrain>(executionId);
        ExecutionView? view = null;
        await TestAlbums.EventuallyAsync(async () => (view = await execution.GetAsync()) is { Status: ExecutionStatus.Complete or ExecutionStatus.Error }, seconds);
        return view ?? throw new InvalidOperationException($"Run {executionId} does not exist.");
    }

    /// <summary>The workflow test settings; a Misty.Web node's co-hosted silo takes them from the web app's services.</summary>
    public static void Configure(IServiceCollection services, ManualClock? clock = null, bool builtIns = false)
    {
        services.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        services.Configure<WorkflowOptions>(workflows =>
        {
            workflows.ScheduleCheckPeriod = TimeSpan.FromSeconds(1);
            workflows.ResumeCheckPeriod = TimeSpan.FromSeconds(1);
            workflows.DefineBuiltIns = builtIns;
        });
        // A killed silo is declared dead within seconds, so its grains and reminders move on quickly.
        services.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = TimeSpan.FromSeconds(1);
            membership.NumMissedProbesLimit = 2;
            membership.NumVotesForDeathDeclaration = 1;
        });
        if (clock is not null)
        {
            services.AddKeyedSingleton<TimeProvider>(WorkflowClock.Key, clock);
        }

        services.AddSingleton<IWorkflowPlan, RecordingPlan>();
        services.AddSingleton<IWorkflowPlan, ApprovalPlan>();
        services.AddSingleton<IWorkflowPlan, FailingPlan>();
        services.AddSingleton<IWorkflowPlan>(provider => new SlowPlan(provider.GetRequiredService<ILocalSiloDetails>(), safeToRepeat: true));
        services.AddSingleton<IWorkflowPlan>(provider => new SlowPlan(provider.GetRequiredService<ILocalSiloDetails>(), safeToRepeat: false));
    }
}
