using System.ComponentModel;
using Microsoft.SemanticKernel;
using Misty.Grains.Audit;
using Misty.Grains.Forecasting;
using Misty.Grains.Replenishment;
using Misty.Web.Catalog;
using Misty.Web.Forecasting;
using Misty.Web.Replenishment;

namespace Misty.Web.Agents.Plugins;

public sealed class ReplenishmentPlugin(AgentGate gate, ReorderLines lines, DemandForecastStore forecasts, AlbumCatalog catalog, IAuditLog audit,
    TimeProvider clock)
{
    [KernelFunction("get_forecast"), Description("Read only. An album's weekly demand forecast from the current week on: predicted units with the lower and upper bounds of its interval, and what drove it.")]
    [AgentTool("replenishment", readOnly: true)]
    public Task<string> GetForecastAsync(Kernel kernel,
        [Description("The album's id (a GUID).")] string albumId,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("albumId", albumId);
        return gate.RunAsync(kernel, "get_forecast", input, async ct =>
            await catalog.FindAsync(id, ct) is null
                ? ToolOutcome.NotFound("album", albumId)
                : ToolOutcome.Ok(await ForecastApi.LoadAsync(id, forecasts, clock, ct)), cancellationToken);
    }

    [KernelFunction("list_reorder_queue"), Description("Read only. Reorder lines, most urgent first: album, supplier, quantity, cost, priority, status and the sentence that explains each.")]
    [AgentTool("replenishment", readOnly: true)]
    public Task<string> ListReorderQueueAsync(Kernel kernel,
        [Description("Only lines in this status: pending, approved, ordered, received or dismissed; optional.")] string? status = null,
        [Description("Only lines of this priority: critical, high, medium or low; optional.")] string? priority = null,
        [Description("How many lines to answer, 1 to 50.")] int limit = 20,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var state = input.OneOf("status", status, ReplenishmentApi.Statuses);
        var urgency = input.OneOf("priority", priority, ReplenishmentApi.Priorities);
        var size = input.Number("limit", limit, 1, 50);
        return gate.RunAsync(kernel, "list_reorder_queue", input, async ct =>
        {
            var (items, total) = await lines.ListAsync(state, urgency, null, null, 1, size, ct);
            return ToolOutcome.Ok(new { total, lines = items.Select(ReorderResponse.From) });
        }, cancellationToken);
    }

    [KernelFunction("approve_reorder"), Description("Writes. Approves a pending reorder line so it can be ordered from its supplier. A line worth more than the configured value waits for a manager's approval.")]
    [AgentTool("replenishment", readOnly: false)]
    public async Task<string> ApproveReorderAsync(Kernel kernel,
        [Description("The reorder line's id (a GUID), as list_reorder_queue answers it.")] string reorderId,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("reorderId", reorderId);
        // The hold depends on what the line is worth, which Misty knows and the model does not get to say.
        if (input.IsValid && await lines.GetAsync(id, cancellationToken) is { } line)
        {
            input.Fact("totalValue", line.TotalCost);
        }

        var actor = AgentCallContext.Of(kernel).Agent.Actor;
        return await gate.RunAsync(kernel, "approve_reorder", input, async ct =>
        {
            var transition = await lines.ApproveAsync(id, ct);
            switch (transition.Result)
            {
                case TransitionResult.NotFound:
                    return ToolOutcome.NotFound("reorder line", reorderId);
                case TransitionResult.Conflict:
                    return ToolOutcome.Error("wrong_state", $"The line is {transition.Line!.Status}: only a pending line can be approved; nothing changed.");
                case TransitionResult.Changed:
                    var approved = transition.Line!;
                    await audit.RecordAsync(new AuditEntry("reorders.approved", actor, $"Reorder of {approved.RecommendedQuantity} x {approved.Sku} approved.")
                    {
                        Details = new Dictionary<string, object?>
                        {
                            ["reorderId"] = approved.ReorderId,
                            ["albumId"] = approved.AlbumId,
                            ["supplierId"] = approved.SupplierId,
                            ["quantity"] = approved.RecommendedQuantity,
                            ["status"] = approved.Status,
                        },
                    });
                    break;
            }

            return ToolOutcome.Ok(new { status = "approved", line = ReorderResponse.From(transition.Line!) });
        }, cancellationToken);
    }
}
