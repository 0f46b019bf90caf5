using System.ComponentModel;
using Microsoft.SemanticKernel;
using Misty.Grains.Insights;
using Misty.Web.Insights;

namespace Misty.Web.Agents.Plugins;

public sealed class InsightsPlugin(AgentGate gate, InsightStore store, InsightDecisions decisions)
{
    [KernelFunction("list_insights"), Description("Read only. Merchandising insights (pricing, promotion, customer win-back, reorder) with their confidence, impact and the numbers behind them; open (pending) ones first.")]
    [AgentTool("insights", readOnly: true)]
    public Task<string> ListInsightsAsync(Kernel kernel,
        [Description("Optional type: pricing, promotion, customer or reorder.")] string? type = null,
        [Description("Optional status: pending, accepted, dismissed or scheduled.")] string? status = null,
        [Description("How many to answer, 1 to 50.")] int limit = 20,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var kind = input.OptionalText("type", type, 20);
        var state = input.OptionalText("status", status, 20);
        input.Require(kind is null || InsightTypes.All.Contains(kind), "type", $"One of: {string.Join(", ", InsightTypes.All)}.");
        input.Require(state is null || InsightStatuses.All.Contains(state), "status", $"One of: {string.Join(", ", InsightStatuses.All)}.");
        var size = input.Number("limit", limit, 1, 50);
        return gate.RunAsync(kernel, "list_insights", input, async ct =>
        {
            var (items, total) = await store.ListAsync(kind, state, 1, size, ct);
            return ToolOutcome.Ok(new { total, insights = items.Select(InsightResponse.From) });
        }, cancellationToken);
    }

    [KernelFunction("accept_insight"), Description("Writes. Accepts an open insight; accepting a pricing insight sets the album's price and waits for a manager's approval.")]
    [AgentTool("insights", readOnly: false)]
    public async Task<string> AcceptInsightAsync(Kernel kernel,
        [Description("The insight's id (recommendationId, a GUID).")] string recommendationId,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("recommendationId", recommendationId);
        var row = input.IsValid ? await store.GetAsync(id, cancellationToken) : null;
        input.Fact("changesPrice", row?.Type == InsightTypes.Pricing);
        return await DecideAsync(kernel, "accept_insight", input, id, row, InsightStatuses.Accepted, cancellationToken);
    }

    [KernelFunction("dismiss_insight"), Description("Writes. Dismisses an open insight; its reason is not raised again for the same album or customer until it expires.")]
    [AgentTool("insights", readOnly: false)]
    public async Task<string> DismissInsightAsync(Kernel kernel,
        [Description("The insight's id (recommendationId, a GUID).")] string recommendationId,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("recommendationId", recommendationId);
        var row = input.IsValid ? await store.GetAsync(id, cancellationToken) : null;
        return await DecideAsync(kernel, "dismiss_insight", input, id, row, InsightStatuses.Dismissed, cancellationToken);
    }

    private Task<string> DecideAsync(Kernel kernel, string tool, ToolInput input, Guid id, InsightRow? row, string status, CancellationToken cancellationToken) =>
        gate.RunAsync(kernel, tool, input, async ct =>
        {
            if (row is null)
            {
                return ToolOutcome.NotFound("insight", id.ToString());
            }

            var context = AgentCallContext.Of(kernel);
            var details = new Dictionary<string, object?> { ["channel"] = context.Channel, ["approvedBy"] = context.ApprovedBy };
            var decision = await decisions.DecideAsync(id, status, null, context.Agent.Actor, details, ct);
            return decision.Result switch
            {
                DecisionResult.Decided => ToolOutcome.Ok(InsightResponse.From(decision.Row!)),
                DecisionResult.NotFound => ToolOutcome.NotFound("insight", id.ToString()),
                _ => ToolOutcome.Error("not_open", decision.Reason ?? "The insight is not open."),
            };
        }, cancellationToken);
}
