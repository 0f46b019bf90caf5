using System.ComponentModel;
using Microsoft.SemanticKernel;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Recommendations;
using Misty.Web.Customers;
using Misty.Web.Recommendations;

namespace Misty.Web.Agents.Plugins;

public sealed class CustomersPlugin(AgentGate gate, IGrainFactory grains, PostgresRecommendationStore recommendations, TimeProvider clock)
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

    [KernelFunction("get_recommendations"), Description("Read only. The albums suggested to a customer, best first, each with its score and the reason (what they bought, what is popular); none they own or out of stock.")]
    [AgentTool("customers", readOnly: true)]
    public Task<string> GetRecommendationsAsync(Kernel kernel,
        [Description("The customer's id (a GUID).")] string customerId,
        [Description($"How many suggestions to answer, 1 to 20.")] int limit = 10,
        CancellationToken cancellationToken = default)
    {
        var input = new ToolInput();
        var id = input.Id("customerId", customerId);
        var size = input.Number("limit", limit, 1, AlbumSuggestions.ListLength);
        return gate.RunAsync(kernel, "get_recommendations", input, async ct =>
        {
            var rows = await recommendations.CurrentAsync(id, size, clock.GetUtcNow(), ct);
            if (rows is null && await grains.GetGrain<ICustomerGrain>(id).GetAsync() is null)
            {
                return ToolOutcome.NotFound("customer", customerId);
            }

            return ToolOutcome.Ok(new { customerId = id, recommendations = (rows ?? []).Select(RecommendationResponse.From) });
        }, cancellationToken);
    }
}
