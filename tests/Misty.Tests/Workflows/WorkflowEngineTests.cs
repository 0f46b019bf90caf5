using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows;
using Misty.Persistence;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Workflows;

[Collection(PostgresCollection.Name)]
public sealed class WorkflowEngineTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_scheduled_workflow_fires_on_time_in_its_time_zone_and_once_in_a_two_silo_cluster()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        // 01:59:57 UTC on 15 July is 02:59:57 in London (BST, UTC+1): the 03:00 London run is due at 02:00 UTC.
        var clock = new ManualClock(new DateTimeOffset(2026, 7, 15, 1, 59, 57, TimeSpan.Zero));
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, silos: 2, clock: clock);
        var (workflowId, workflow) = await WorkflowCluster.DefineAsync(cluster.Client, RecordingPlan.PlanKey, WorkflowTriggerType.Schedule,
            new TriggerConfig(Cron: "0 3 * * *", TimeZone: "Europe/London"));
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 2, 0, 0, TimeSpan.Zero), (await workflow.GetAsync())!.NextRunAt);

        // Three reminder periods pass in real time, but not on the workflow clock: nothing is due yet.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0, (await workflow.GetAsync())!.ExecutionCount);

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.True(await TestAlbums.EventuallyAsync(async () => await RunCountAsync(connectionString, workflowId) == 1, seconds: 20));
        // Both silos keep ticking; the occurrence has been run and nothing else is due.
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Equal(1, await RunCountAsync(connectionString, workflowId));
        var view = (await workflow.GetAsync())!;
        Assert.Equal(1, view.ExecutionCount);
        Assert.Equal(new DateTimeOffset(2026, 7, 16, 2, 0, 0, TimeSpan.Zero), view.NextRunAt);
        var runId = await TestSql.ScalarAsync<Guid>(connectionString, "SELECT execution_id FROM workflow_executions WHERE workflow_id = @id", ("id", workflowId));
        var run = await WorkflowCluster.FinishedAsync(cluster.Client, runId);
        Assert.Equal((ExecutionStatus.Complete, WorkflowTriggerType.Schedule), (run.Status, run.Trigger));
        Assert.Equal("Scheduled run for 2026-07-15 02:00 UTC", run.Description);
        Assert.Equal(1, WorkflowProbe.Recorded[runId]);
    }

    [Fact]
    public async Task An_event_trigger_starts_a_run_for_each_event_that_meets_its_condition()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString);
        var (_, workflow) = await WorkflowCluster.DefineAsync(cluster.Client, RecordingPlan.PlanKey, WorkflowTriggerType.Event,
            new TriggerConfig(Stream: "stock", Event: "LowStock", Condition: "available == 0"));
        var emptied = await TestAlbums.InsertAsync(connectionString, quantity: 3, reorderPoint: 2);
        var lowered = await TestAlbums.InsertAsync(connectionString, quantity: 3, reorderPoint: 2);

        // Both albums cross their reorder point (LowStock), but only one has nothing left.
        var expiry = DateTimeOffset.UtcNow.AddMinutes(10);
        Assert.Equal(HoldStatus.Held, (await cluster.Client.GetGrain<IInventoryGrain>(lowered).HoldAsync(Guid.NewGuid(), 1, expiry)).Status);
        Assert.Equal(HoldStatus.Held, (await cluster.Client.GetGrain<IInventoryGrain>(emptied).HoldAsync(Guid.NewGuid(), 3, expiry)).Status);

        Assert.True(await TestAlbums.EventuallyAsync(async () => (await workflow.GetAsync())!.ExecutionCount >= 1));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await workflow.GetAsync())!.ExecutionCount);
        var runId = await TestSql.ScalarAsync<Guid>(connectionString, "SELECT execution_id FROM workflow_executions");
        var run = await WorkflowCluster.FinishedAsync(cluster.Client, runId);
        Assert.Equal((ExecutionStatus.Complete, WorkflowTriggerType.Event, "stock/LowStock"), (run.Status, run.Trigger, run.TriggeredBy));
        Assert.Contains(emptied.ToString(), run.Input);
        Assert.Contains("\"available\":0", run.Steps[0].Output);
    }

    [Fact]
    public async Task A_run_whose_silo_is_killed_mid_step_is_resumed_by_its_reminder_on_the_other_silo()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, silos: 2);
        var (_, workflow) = await WorkflowCluster.DefineAsync(cluster.Client, SlowPlan.SafeKey);
        var runId = (await workflow.RunAsync(new RunRequest(WorkflowTriggerType.Manual, "user:test", null))).ExecutionId!.Value;
        var host = await WorkflowProbe.SlowStart(runId).Task.WaitAsync(TimeSpan.FromSeconds(20));

        await cluster.KillSiloAsync(cluster.Silos.Single(silo => silo.SiloAddress.Equals(host)));

        // Nobody touches the run: only its reminder can bring it back, once the dead silo is voted out (over 90 s on a loaded
        // CI machine).
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<string>(connectionString, "SELECT status::text FROM workflow_executions WHERE execution_id = @id", ("id", runId)) == "complete",
            seconds: 180), await TakeoverStateAsync(connectionString, runId));
        var run = (await cluster.Client.GetGrain<IWorkflowExecutionGrain>(runId).GetAsync())!;
        Assert.Equal(2, run.Steps[0].Attempts);
        Assert.Contains(run.ExecutionLog, entry => entry.Message.Contains("cut short", StringComparison.Ordinal));
        Assert.Contains(run.ExecutionLog, entry => entry.Step == "hang-once" && entry.Message.StartsWith("Done on ", StringComparison.Ordinal) &&
            !entry.Message.Contains(host.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_killed_in_a_step_that_is_not_safe_to_repeat_ends_as_an_error_with_the_reason()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, silos: 2);
        var (_, workflow) = await WorkflowCluster.DefineAsync(cluster.Client, SlowPlan.UnsafeKey);
        var runId = (await workflow.RunAsync(new RunRequest(WorkflowTriggerType.Manual, "user:test", null))).ExecutionId!.Value;
        var host = await WorkflowProbe.SlowStart(runId).Task.WaitAsync(TimeSpan.FromSeconds(20));

        await cluster.KillSiloAsync(cluster.Silos.Single(silo => silo.SiloAddress.Equals(host)));

        // The dead silo must first be voted out and its reminders taken over: on a loaded CI machine that has taken over 90 s.
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<string>(connectionString, "SELECT status::text FROM workflow_executions WHERE execution_id = @id", ("id", runId)) == "error",
            seconds: 180), await TakeoverStateAsync(connectionString, runId));
        var error = await TestSql.ScalarAsync<string>(connectionString, "SELECT error_message FROM workflow_executions WHERE execution_id = @id", ("id", runId));
        Assert.Equal("Step 'hang-once' was cut short by a lost silo and is not safe to repeat.", error);
        // The workflow counted the failed run.
        Assert.True(await TestAlbums.EventuallyAsync(async () => (await workflow.GetAsync())!.SuccessRate == 0m));
    }

    [Fact]
    public async Task A_workflow_and_its_run_whose_silo_dies_before_their_rows_are_written_get_them_from_their_reminders()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        Guid workflowId;
        Guid runId;
        await using (var first = await PostgresCluster.StartAsync(database, connectionString, configure: silo =>
        {
            WorkflowCluster.Configure(silo.Services);
            silo.Services.AddSingleton<IWorkflowStore, StalledProjections>();
        }))
        {
            (workflowId, var workflow) = await WorkflowCluster.DefineAsync(first.Client, RecordingPlan.PlanKey);
            runId = (await workflow.RunAsync(new RunRequest(WorkflowTriggerType.Manual, "user:test", "{\"n\":1}"))).ExecutionId!.Value;
            Assert.Equal(ExecutionStatus.Complete, (await WorkflowCluster.FinishedAsync(first.Client, runId)).Status);
            // Both stored and acknowledged, neither projected: the silo dies now, without a graceful shutdown.
            Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM workflows") +
                await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM workflow_executions"));
            await first.KillSiloAsync(first.Silos[0]);
        }

        // Nobody touches either grain: the run's row needs the workflow's, and each comes back through its own reminder.
        await using var second = await WorkflowCluster.StartAsync(database, connectionString);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<string>(connectionString, "SELECT status::text FROM workflow_executions WHERE execution_id = @id", ("id", runId)) == "complete",
            seconds: 60), await TakeoverStateAsync(connectionString, runId));
        // The finished run was reported to the workflow (its success rate counts it) after the silo that ran it was gone.
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<decimal>(connectionString, "SELECT coalesce(success_rate, -1) FROM workflows WHERE workflow_id = @id", ("id", workflowId)) == 100m));
        var view = (await second.Client.GetGrain<IWorkflowGrain>(workflowId).GetAsync())!;
        Assert.Equal((1, (decimal?)100m), (view.ExecutionCount, view.SuccessRate));
    }

    [Fact]
    public async Task A_failing_step_is_retried_with_backoff_then_the_run_ends_as_an_error_with_its_message()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString);
        var (workflowId, workflow) = await WorkflowCluster.DefineAsync(cluster.Client, FailingPlan.PlanKey);

        var transient = await WorkflowCluster.FinishedAsync(cluster.Client,
            (await workflow.RunAsync(new RunRequest(WorkflowTriggerType.Manual, "user:test", null))).ExecutionId!.Value);
        var permanent = await WorkflowCluster.FinishedAsync(cluster.Client,
            (await workflow.RunAsync(new RunRequest(WorkflowTriggerType.Manual, "user:test", "{\"retryable\":false}"))).ExecutionId!.Value);

        Assert.Equal(ExecutionStatus.Error, transient.Status);
        Assert.Equal("Step 'call-supplier' failed after 3 attempts: InvalidOperationException: supplier feed down", transient.ErrorMessage);
        Assert.Equal((StepStatus.Failed, 3), (transient.Steps[0].Status, transient.Steps[0].Attempts));
        Assert.Equal(2, transient.ExecutionLog.Count(entry => entry.Severity == LogSeverity.Warning && entry.Message.Contains("Retrying", StringComparison.Ordinal)));
        Assert.Equal(3, transient.ExecutionLog.Count(entry => entry.Message == "Calling the supplier feed."));
        Assert.Equal("Step 'call-supplier' failed (not retryable): The supplier rejected the order.", permanent.ErrorMessage);
        Assert.Equal(1, permanent.Steps[0].Attempts);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM workflow_executions WHERE workflow_id = @id AND status = 'error' AND error_message LIKE 'Step ''call-supplier''%'",
                ("id", workflowId)) == 2));
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<decimal>(connectionString, "SELECT coalesce(success_rate, -1) FROM workflows WHERE workflow_id = @id", ("id", workflowId)) == 0m));
    }

    /// <summary>A silo whose projections always fail, as if it always died just after storing.</summary>
    private sealed class StalledProjections : IWorkflowStore
    {
        public Task ProjectWorkflowAsync(WorkflowView workflow, bool overwrite, CancellationToken cancellationToken) =>
            Task.FromException(new TimeoutException("The database did not answer."));

        public Task ProjectExecutionAsync(ExecutionView execution, bool overwrite, CancellationToken cancellationToken) =>
            Task.FromException(new TimeoutException("The database did not answer."));
    }

    private static Task<long> RunCountAsync(string connectionString, Guid workflowId) =>
        TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM workflow_executions WHERE workflow_id = @id", ("id", workflowId));

    /// <summary>
    /// Where a takeover after a killed silo stands: the silos as membership has them, the run's reminder and the run's
    /// row. Read after the wait, so that a failure says which step never came (once, in CI, neither the reminder nor the
    /// row was there: the run had ended and dropped its reminder, but its row needed the workflow's, which the killed
    /// silo never wrote).
    /// </summary>
    private static Task<string> TakeoverStateAsync(string connectionString, Guid runId) =>
        TestSql.ScalarAsync<string>(connectionString,
            """
            SELECT concat_ws(E'\n',
                'silos: ' || (SELECT string_agg(port || ' status ' || status || ' alive ' || iamalivetime || coalesce(' suspected by ' || suspecttimes, ''), '; ' ORDER BY port)
                              FROM orleansmembershiptable),
                'reminders: ' || (SELECT string_agg(remindername || ' from ' || starttime || ' every ' || period || ' ms', '; ')
                                  FROM orleansreminderstable WHERE grainid LIKE '%' || replace(@id::text, '-', '') || '%' OR grainid LIKE '%' || @id::text || '%'),
                'run: ' || (SELECT status::text || coalesce(' ' || error_message, '') FROM workflow_executions WHERE execution_id = @id))
            """, ("id", runId));
}
