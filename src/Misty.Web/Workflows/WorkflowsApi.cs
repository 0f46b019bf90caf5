using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows;
using Misty.Web.Api;
using Misty.Web.Dashboard;
using Misty.Web.Security;

namespace Misty.Web.Workflows;

public static class WorkflowsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    /// <summary>A run's input is stored with the run: large documents belong in tables, not in grain state.</summary>
    public const int MaxInputBytes = 64 * 1024;
    private const int MaxNoteLength = 1_000;

    /// <summary>The rows behind the lists, and the dashboard's running workflows (rows too, so only with a database).</summary>
    public static IServiceCollection AddWorkflowsWeb(this IServiceCollection services)
    {
        services.AddSingleton<WorkflowRows>();
        return services.AddDashboardEvent<WorkflowProgress, RunningWorkflowsSection>(Grains.Interfaces.MistyStreams.Workflows);
    }

    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder routes)
    {
        var workflows = routes.MapGroup("/api/workflows").WithTags("Workflows").RequireAuthorization(MistyPolicies.Staff);
        workflows.MapGet("", ListAsync).WithName("listWorkflows")
            .WithSummary("Every workflow (the workflows rows), by name.");
        workflows.MapGet("/{workflowId:guid}", GetAsync).WithName("getWorkflow")
            .WithSummary("One workflow, with its steps and, for a schedule, its next run.");
        workflows.MapPut("/{workflowId:guid}", UpdateAsync)
            .RequireAuthorization(MistyPolicies.Admin).WithName("updateWorkflow")
            .WithSummary("Enables or disables a workflow, or changes its trigger type and config.");
        workflows.MapPost("/{workflowId:guid}/run", RunAsync).AcceptsIdempotencyKey().WithName("runWorkflow")
            .WithSummary("Starts a run with the body as its input (a JSON object, optional); ?retryOf= retries a failed run.");
        workflows.MapGet("/{workflowId:guid}/executions", ListExecutionsAsync).WithName("listWorkflowExecutions")
            .WithSummary("The workflow's runs, newest first (?status=running|complete|error|blocked, ?limit=1..200).");

        var executions = routes.MapGroup("/api/executions").WithTags("Workflows").RequireAuthorization(MistyPolicies.Staff);
        executions.MapGet("/{executionId:guid}", GetExecutionAsync).WithName("getWorkflowExecution")
            .WithSummary("One run: status, progress, steps and the execution log.");
        executions.MapPost("/{executionId:guid}/approve", ApproveAsync).WithName("approveWorkflowExecution")
            .WithSummary("Approves the step a blocked run waits at; the run goes on.");
        executions.MapPost("/{executionId:guid}/cancel", CancelAsync).WithName("cancelWorkflowExecution")
            .WithSummary("Ends a running or blocked run as an error; a step under way is told to stop.");
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<WorkflowSummary>>> ListAsync(WorkflowRows rows, CancellationToken cancellationToken) =>
        TypedResults.Ok(await rows.ListWorkflowsAsync(cancellationToken));

    private static async Task<Results<Ok<WorkflowResponse>, NotFoundProblem>> GetAsync(Guid workflowId, IGrainFactory grains) =>
        await grains.GetGrain<IWorkflowGrain>(workflowId).GetAsync() is { } workflow
            ? TypedResults.Ok(WorkflowResponse.From(workflow))
            : WorkflowNotFound(workflowId);

    private static async Task<Results<Ok<WorkflowResponse>, ValidationProblem, NotFoundProblem>> UpdateAsync(Guid workflowId, UpdateWorkflowRequest request, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit)
    {
        var errors = new FieldErrors()
            .Check(request.Enabled is not null || request.TriggerType is not null || request.TriggerConfig is not null, "body",
                "Send at least one of enabled, triggerType and triggerConfig.");
        var type = QueryValues.Enum<WorkflowTriggerType>(request.TriggerType, "triggerType", errors, ignoreCase: true, "One of schedule, event, manual or api.");

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await grains.GetGrain<IWorkflowGrain>(workflowId).UpdateAsync(new WorkflowUpdate(request.Enabled, type, request.TriggerConfig));
        switch (outcome.Result)
        {
            case WorkflowUpdateResult.NotFound:
                return WorkflowNotFound(workflowId);
            case WorkflowUpdateResult.Invalid:
                foreach (var (field, message) in outcome.Errors)
                {
                    errors.Add(field, message);
                }

                return errors.ToProblem();
            default:
                var workflow = outcome.Workflow!;
                await audit.RecordAsync(new AuditEntry("workflows.updated", Callers.Id(user), $"Workflow '{workflow.Name}' was changed.")
                {
                    Severity = AuditSeverity.Warning,
                    Details = new Dictionary<string, object?>
                    {
                        ["workflowId"] = workflowId,
                        ["enabled"] = workflow.Enabled,
                        ["triggerType"] = workflow.TriggerType.ToString().ToLowerInvariant(),
                        ["triggerConfigChanged"] = request.TriggerConfig is not null,
                    },
                });
                return TypedResults.Ok(WorkflowResponse.From(workflow));
        }
    }

    private static async Task<Results<Accepted<RunAccepted>, ValidationProblem, NotFoundProblem, ConflictProblem>> RunAsync(
        Guid workflowId, string? retryOf, [FromBody] JsonElement? input, HttpRequest http, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var key = Idempotency.KeyOf(http, errors);
        Guid? original = null;
        if (retryOf is not null)
        {
            original = Guid.TryParse(retryOf, out var id) ? id : null;
            errors.Check(original is not null, "retryOf", "The id of the failed run to retry.");
        }

        string? inputText = null;
        // An empty body binds as an undefined element: no input, like JSON null.
        if (input is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } body)
        {
            inputText = body.GetRawText();
            errors.Check(body.ValueKind == JsonValueKind.Object, "body", "The run's input: a JSON object, or nothing.")
                .Check(inputText.Length <= MaxInputBytes, "body", $"At most {MaxInputBytes / 1024} KB of input.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (original is { } originalId)
        {
            var previous = await grains.GetGrain<IWorkflowExecutionGrain>(originalId).GetAsync();
            if (previous is null || previous.WorkflowId != workflowId)
            {
                return errors.Add("retryOf", $"Workflow {workflowId} has no run {originalId}.").ToProblem();
            }

            if (previous.Status != ExecutionStatus.Error)
            {
                return Problems.Conflict("Only a failed run can be retried.", $"Run {originalId} is {previous.Status.ToString().ToLowerInvariant()}.");
            }

            // A retry repeats the original's input unless it is given a new one.
            inputText ??= previous.Input;
        }

        var caller = Callers.Id(user);
        var trigger = user.IsInRole(StaffRoles.System) ? WorkflowTriggerType.Api : WorkflowTriggerType.Manual;
        // With an Idempotency-Key, a repeated request names the same run and starts it once.
        var executionId = key.Length > 0 ? StableIds.From($"workflow-run\n{workflowId:N}\n{caller}\n{key}") : (Guid?)null;
        var outcome = await grains.GetGrain<IWorkflowGrain>(workflowId).RunAsync(new RunRequest(trigger, caller, inputText, original, executionId));
        return outcome.Result switch
        {
            RunResult.Started or RunResult.AlreadyStarted =>
                TypedResults.Accepted($"/api/executions/{outcome.ExecutionId}", new RunAccepted(outcome.ExecutionId!.Value)),
            RunResult.Disabled => Problems.Conflict("The workflow is disabled.", $"Enable workflow {workflowId} (PUT, admin) before running it."),
            _ => WorkflowNotFound(workflowId),
        };
    }

    private static async Task<Results<Ok<ExecutionList>, ValidationProblem, NotFoundProblem>> ListExecutionsAsync(
        Guid workflowId, string? status, string? limit, WorkflowRows rows, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var wanted = QueryValues.Enum<ExecutionStatus>(status, "status", errors, ignoreCase: true, "One of running, complete, error or blocked.");

        var count = DefaultLimit;
        if (limit is not null)
        {
            errors.Check(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= MaxLimit, "limit",
                $"A whole number from 1 to {MaxLimit}.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await grains.GetGrain<IWorkflowGrain>(workflowId).GetAsync() is null)
        {
            return WorkflowNotFound(workflowId);
        }

        return TypedResults.Ok(new ExecutionList(await rows.ListExecutionsAsync(workflowId, wanted, count, cancellationToken), count));
    }

    private static async Task<Results<Ok<ExecutionResponse>, NotFoundProblem>> GetExecutionAsync(Guid executionId, IGrainFactory grains) =>
        await grains.GetGrain<IWorkflowExecutionGrain>(executionId).GetAsync() is { } execution
            ? TypedResults.Ok(ExecutionResponse.From(execution))
            : ExecutionNotFound(executionId);

    private static async Task<Results<Ok<ExecutionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> ApproveAsync(
        Guid executionId, [FromBody] ApproveRequest? request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var note = string.IsNullOrWhiteSpace(request?.Note) ? null : request.Note.Trim();
        var errors = new FieldErrors().Check(note is null || note.Length <= MaxNoteLength, "note", $"At most {MaxNoteLength} characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await grains.GetGrain<IWorkflowExecutionGrain>(executionId).ApproveAsync(Callers.Id(user), note);
        return ToResult(executionId, outcome, "Only a blocked run can be approved.");
    }

    private static async Task<Results<Ok<ExecutionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CancelAsync(Guid executionId, ClaimsPrincipal user, IGrainFactory grains) =>
        ToResult(executionId, await grains.GetGrain<IWorkflowExecutionGrain>(executionId).CancelAsync(Callers.Id(user)),
            "Only a running or blocked run can be cancelled.");

    private static Results<Ok<ExecutionResponse>, ValidationProblem, NotFoundProblem, ConflictProblem> ToResult(Guid executionId, ExecutionCommandOutcome outcome, string wrongState) => outcome.Result switch
    {
        ExecutionCommandResult.Done => TypedResults.Ok(ExecutionResponse.From(outcome.Execution!)),
        ExecutionCommandResult.WrongState => Problems.Conflict(wrongState, $"Run {executionId} is {outcome.Execution?.Status.ToString().ToLowerInvariant()}."),
        _ => ExecutionNotFound(executionId),
    };

    private static NotFoundProblem WorkflowNotFound(Guid workflowId) => Problems.NotFound("No such workflow.", $"Workflow {workflowId} does not exist.");

    private static NotFoundProblem ExecutionNotFound(Guid executionId) => Problems.NotFound("No such run.", $"Run {executionId} does not exist.");
}
