using System.ComponentModel;
using Microsoft.SemanticKernel;
using Misty.Grains.Interfaces.Customers;
using Misty.Web.Customers;

namespace Misty.Web.Agents.Plugins;

public sealed class CustomersPlugin(AgentGate gate, IGrainFactory grains)
{
    [KernelFunction("get_customer"), Description("Read only. A customer's profile: contact, lifetime value, purchases, preferred genre, segment and recent interactions.")]
    [AgentTool("customers", readOnly: true)]
    public Task<string> GetCustomerAsync(Kernel kernel,
        [Description("The customer's id (a GUID).")] string customerId,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("customerId", customerId);
        return gate.RunAsync(kernel, "get_customer", input, async _ =>
            await grains.GetGrain<ICustomerGrain>(id).GetAsync() is { } customer
                ? ToolOutcome.Ok(CustomerResponse.From(customer))
                : ToolOutcome.NotFound("customer", customerId), cancellationToken);
    }
}
