using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;
using Orleans.Streams;

namespace Misty.Tests.Workflows;

[Collection(PostgresCollection.Name)]
public sealed class WorkflowsApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_blocked_run_waits_for_approval_over_http_and_reports_every_stored_change_in_order()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder => WorkflowCluster.Configure(builder.Services));
        var grains = node.Services.GetRequiredService<IClusterClient>();
        var (workflowId, _) = await WorkflowCluster.DefineAsync(grains, ApprovalPlan.PlanKey);
        var progress = new List<WorkflowProgress>();
        var feed = await node.FollowAllAsync<WorkflowProgress>(MistyStreams.Workflows, item =>
        {
            lock (progress)
            {
                progress.Add(item);
            }
        });
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);

        var started = await staff.PostAsJsonAsync($"/api/workflows/{workflowId}/run", new { orderId = "A-1001" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("executionId").GetGuid();
        Assert.Equal($"/api/executions/{runId}", started.Headers.Location?.OriginalString);
        var blocked = await EventuallyStatusAsync(staff, runId, "blocked");
        Assert.Equal(("Approve the test order.", 33), (blocked.GetProperty("awaitingApproval").GetString(), blocked.GetProperty("progressPercentage").GetInt32()));
        Assert.Equal("A-1001", blocked.GetProperty("input").GetProperty("orderId").GetString());

        var approved = await staff.PostAsJsonAsync($"/api/executions/{runId}/approve", new { note = "checked the stock" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var complete = await EventuallyStatusAsync(staff, runId, "complete");

        Assert.Equal(["done", "approved", "done"], complete.GetProperty("steps").EnumerateArray().Select(step => step.GetProperty("status").GetString()));
        Assert.Contains(complete.GetProperty("executionLog").EnumerateArray(), entry => entry.GetProperty("message").GetString()!.StartsWith("Approved by user:", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsJsonAsync($"/api/executions/{runId}/approve", new { })).StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<string>(connectionString, "SELECT status::text FROM workflow_executions WHERE execution_id = @id", ("id", runId)) == "complete"));
        // Every stored change was published once, in version order, so a dashboard applies them without a gap.
        var version = complete.GetProperty("version").GetInt64();
        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(Events(progress, runId).Count >= version)));
        await feed.UnsubscribeAsync();
        var events = Events(progress, runId);
        Assert.Equal(Enumerable.Range(1, (int)version).Select(v => (long)v), events.Select(e => e.Version));
        Assert.Contains(events, e => e.Status == ExecutionStatus.Blocked);
        Assert.Equal((ExecutionStatus.Complete, 100, workflowId), (events[^1].Status, events[^1].ProgressPercentage, events[^1].WorkflowId));
    }

    [Fact]
    public async Task Workflows_are_listed_read_changed_by_admins_only_and_run_on_demand()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString,
            configure: builder => WorkflowCluster.Configure(builder.Services, builtIns: true));
        var grains = node.Services.GetRequiredService<IClusterClient>();
        using var admin = await node.CreateStaffClientAsync();
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);

        // The built-in workflows are defined as the silo starts.
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/workflows");
        Assert.Equal(["Case SLA sweep", "Customer recommendation refresh", "Customer segment refresh", "Daily metrics roll-up", "Demand forecast refresh", "Expired-reservation sweep", "Fraud review", "Low-stock reorder", "Merchandising insights", "Replenishment run", "Reply drafts for new cases", "Reservation record retention"],
            listed.EnumerateArray().Select(workflow => workflow.GetProperty("name").GetString()));
        var rollup = await staff.GetFromJsonAsync<JsonElement>($"/api/workflows/{BuiltInWorkflows.DailyMetricsRollup}");
        Assert.Equal(("schedule", "15 0 * * *"), (rollup.GetProperty("triggerType").GetString(), rollup.GetProperty("triggerConfig").GetProperty("cron").GetString()));
        Assert.Equal(["choose-day", "sales-metrics", "inventory-metrics"], rollup.GetProperty("steps").EnumerateArray().Select(step => step.GetString()));
        Assert.True(rollup.GetProperty("nextRunAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        var (workflowId, _) = await WorkflowCluster.DefineAsync(grains, RecordingPlan.PlanKey);
        var change = new { triggerType = "event", triggerConfig = new { stream = "stock", @event = "LowStock", condition = "available == 0" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutAsJsonAsync($"/api/workflows/{workflowId}", change)).StatusCode);
        var changed = await admin.PutAsJsonAsync($"/api/workflows/{workflowId}", change);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("available == 0", (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("triggerConfig").GetProperty("condition").GetString());
        var invalid = await admin.PutAsJsonAsync($"/api/workflows/{workflowId}", new { triggerType = "schedule", triggerConfig = new { cron = "every day", timeZone = "Nowhere/Land" } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["triggerConfig.cron", "triggerConfig.timeZone"], errors.EnumerateObject().Select(error => error.Name).Order());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/workflows/{workflowId}", new { triggerType = "hourly" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/workflows/{Guid.NewGuid()}", new { enabled = false })).StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<string>(connectionString, "SELECT trigger_config ->> 'condition' FROM workflows WHERE workflow_id = @id", ("id", workflowId)) == "available == 0"));

        // Runs on demand; the same Idempotency-Key names the same run.
        using var once = new HttpRequestMessage(HttpMethod.Post, $"/api/workflows/{workflowId}/run") { Content = JsonContent.Create(new { batch = 7 }) };
        once.Headers.Add("Idempotency-Key", "batch-7");
        var first = await RunIdAsync(await staff.SendAsync(once));
        using var again = new HttpRequestMessage(HttpMethod.Post, $"/api/workflows/{workflowId}/run") { Content = JsonContent.Create(new { batch = 7 }) };
        again.Headers.Add("Idempotency-Key", "batch-7");
        Assert.Equal(first, await RunIdAsync(await staff.SendAsync(again)));
        var run = await EventuallyStatusAsync(staff, first, "complete");
        Assert.Equal(("manual", 7), (run.GetProperty("triggerType").GetString(), run.GetProperty("steps")[0].GetProperty("output").GetProperty("batch").GetInt32()));
        var bare = await RunIdAsync(await staff.PostAsync($"/api/workflows/{workflowId}/run", null));
        await EventuallyStatusAsync(staff, bare, "complete");
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/workflows/{workflowId}/run", new[] { 1, 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync($"/api/workflows/{Guid.NewGuid()}/run", null)).StatusCode);

        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            (await staff.GetFromJsonAsync<JsonElement>($"/api/workflows/{workflowId}/executions")).GetProperty("items").GetArrayLength() == 2));
        var page = await staff.GetFromJsonAsync<JsonElement>($"/api/workflows/{workflowId}/executions?status=complete&limit=1");
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync($"/api/workflows/{workflowId}/executions?status=done&limit=0")).StatusCode);
        Assert.Equal(2, (await staff.GetFromJsonAsync<JsonElement>($"/api/workflows/{workflowId}")).GetProperty("executionCount").GetInt32());

        // Disabled, it does not run.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/workflows/{workflowId}", new { enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/workflows/{workflowId}/run", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.CreateClient().GetAsync("/api/workflows")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.CreateStorefrontClient().GetAsync("/api/workflows")).StatusCode);
    }

    [Fact]
    public async Task A_failed_run_is_retried_as_a_new_run_linked_to_it_and_a_blocked_run_can_be_cancelled()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString, configure: builder => WorkflowCluster.Configure(builder.Services));
        var grains = node.Services.GetRequiredService<IClusterClient>();
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);
        var (failing, _) = await WorkflowCluster.DefineAsync(grains, FailingPlan.PlanKey);
        var failed = await RunIdAsync(await staff.PostAsJsonAsync($"/api/workflows/{failing}/run", new { retryable = false }));
        var error = await EventuallyStatusAsync(staff, failed, "error");
        Assert.Equal("Step 'call-supplier' failed (not retryable): The supplier rejected the order.", error.GetProperty("errorMessage").GetString());

        var retry = await RunIdAsync(await staff.PostAsync($"/api/workflows/{failing}/run?retryOf={failed}", null));

        var retried = await EventuallyStatusAsync(staff, retry, "error");
        Assert.Equal((failed, false), (retried.GetProperty("retryOf").GetGuid(), retried.GetProperty("input").GetProperty("retryable").GetBoolean()));
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<object>(connectionString, "SELECT retry_of FROM workflow_executions WHERE execution_id = @id", ("id", retry)) is Guid original && original == failed));
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsync($"/api/workflows/{failing}/run?retryOf={Guid.NewGuid()}", null)).StatusCode);

        var (approval, _) = await WorkflowCluster.DefineAsync(grains, ApprovalPlan.PlanKey);
        var waiting = await RunIdAsync(await staff.PostAsync($"/api/workflows/{approval}/run", null));
        await EventuallyStatusAsync(staff, waiting, "blocked");
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/workflows/{approval}/run?retryOf={waiting}", null)).StatusCode);

        var cancelled = await staff.PostAsync($"/api/executions/{waiting}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var body = await cancelled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.StartsWith("Cancelled by user:", body.GetProperty("errorMessage").GetString());
        Assert.Equal(["done", "skipped", "skipped"], body.GetProperty("steps").EnumerateArray().Select(step => step.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/executions/{waiting}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/executions/{waiting}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync($"/api/executions/{Guid.NewGuid()}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/executions/{Guid.NewGuid()}")).StatusCode);
    }

    private static async Task<Guid> RunIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("executionId").GetGuid();
    }

    private static async Task<JsonElement> EventuallyStatusAsync(HttpClient client, Guid executionId, string status)
    {
        JsonElement run = default;
        var reached = await TestAlbums.EventuallyAsync(async () =>
        {
            var response = await client.GetAsync($"/api/executions/{executionId}");
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            run = await response.Content.ReadFromJsonAsync<JsonElement>();
            return run.GetProperty("status").GetString() == status;
        });
        Assert.True(reached, $"Run {executionId} did not reach {status}: {run}");
        return run;
    }

    private static List<WorkflowProgress> Events(List<WorkflowProgress> progress, Guid executionId)
    {
        lock (progress)
        {
            return [.. progress.Where(e => e.ExecutionId == executionId)];
        }
    }
}
