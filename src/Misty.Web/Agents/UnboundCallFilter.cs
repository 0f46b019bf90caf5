using Microsoft.SemanticKernel;

namespace Misty.Web.Agents;

/// <summary>
/// In a chat, a model's call whose arguments do not bind to the tool's parameters (text where a number belongs) fails
/// before the tool reaches the gate; this audits it as invalid and tells the model so. It decides nothing else: the
/// gate is the one that authorises, holds and runs calls.
/// </summary>
public sealed class UnboundCallFilter(AgentGate gate, AgentToolCatalog catalog, AgentCallContext callContext) : IAutoFunctionInvocationFilter
{
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (ex is ArgumentException or KernelException or FormatException or InvalidCastException &&
            catalog.Find(context.Function.Name) is not null)
        {
            await gate.RecordUnboundAsync(callContext, catalog.Find(context.Function.Name)!, context.Arguments ?? [], ex.Message);
            context.Result = new FunctionResult(context.Function,
                ToolJson.Serialize(new { status = "invalid", message = "Nothing was done: the arguments do not fit the tool's schema.", detail = ex.Message }));
        }
    }
}
