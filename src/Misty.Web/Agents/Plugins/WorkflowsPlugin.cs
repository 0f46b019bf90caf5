using System.ComponentModel;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Misty.Grains.Interfaces.Workflows;
using Misty.Web.Workflows;

namespace Misty.Web.Agents.Plugins;

public sealed class WorkflowsPlugin(AgentGate gate, IGrainFactory grains, WorkflowRows rows)
{
    [KernelFunction("list_workflows"), Description("Read only. Every workflow with its trigger, whether it is enabled, and its statistics.")]
    [AgentTool("workflows", readOnly: true)]
    public Task<string> ListWorkflowsAsync(Kernel kernel, CancellationToken cancellationToken = default) =>
        gate.RunAsync(kernel, "list_workflows", new ToolInput(), async ct =>
            ToolOutcome.Ok(new { workflows = await rows.ListWorkflowsAsync(ct) }), cancellationToken);

    [KernelFunction("run_workflow"), Description("Writes. Starts a run of a workflow, with an optional JSON object as its input; answers the run's id.")]
    [AgentTool("workflows", readOnly: false)]
    public Task<string> RunWorkflowAsync(Kernel kernel,
        [Description("The workflow's id (a GUID).")] string workflowId,
        [Description("Optional input: a JSON object of up to 4000 characters.")] string? input = null,
        CancellationToken cancellationToken = default)
    {
        var arguments = new ToolInput();
        var id = arguments.Id("workflowId", workflowId);
        var json = arguments.OptionalText("input", input, 4000);
        arguments.Require(json is null || IsObject(json), "input", "A JSON object, e.g. {\"albumId\": \"...\"}.");
        var actor = AgentCallContext.Of(kernel).Agent.Actor;
        return gate.RunAsync(kernel, "run_workflow", arguments, async _ =>
        {
            var outcome = await grains.GetGrain<IWorkflowGrain>(id).RunAsync(new RunRequest(WorkflowTriggerType.Manual, actor, json));
            return outcome.Result switch
            {
                RunResult.Started or RunResult.AlreadyStarted => ToolOutcome.Ok(new { status = "started", executionId = outcome.ExecutionId }),
                RunResult.NotFound => ToolOutcome.NotFound("workflow", workflowId),
                _ => ToolOutcome.Error("disabled", "The workflow is disabled; nothing was started."),
            };
        }, cancellationToken);
    }

    [KernelFunction("approve_workflow_run"), Description("Writes. Lets a run that is blocked on an approval step go on.")]
    [AgentTool("workflows", readOnly: false)]
    public Task<string> ApproveWorkflowRunAsync(Kernel kernel,
        [Description("The run's execution id (a GUID).")] string executionId,
        [Description("Optional note, up to 500 characters.")] string? note = null,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("executionId", executionId);
        var text = input.OptionalText("note", note, 500);
        var actor = AgentCallContext.Of(kernel).Agent.Actor;
        return gate.RunAsync(kernel, "approve_workflow_run", input, async _ =>
        {
            var outcome = await grains.GetGrain<IWorkflowExecutionGrain>(id).ApproveAsync(actor, text);
            return outcome.Result switch
            {
                ExecutionCommandResult.Done => ToolOutcome.Ok(new { status = "approved", run = ExecutionResponse.From(outcome.Execution!) }),
                ExecutionCommandResult.NotFound => ToolOutcome.NotFound("run", executionId),
                _ => ToolOutcome.Error("wrong_state", "The run is not blocked on an approval; nothing changed."),
            };
        }, cancellationToken);
    }

    private static bool IsObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
