using Misty.Grains.Agents;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Agents;
using Misty.Web.Agents.Plugins;
using Misty.Web.Dashboard;

namespace Misty.Web.Agents;

public static class AgentsSetup
{
    /// <summary>
    /// The agent surface: accounts and their scheme, the gate and approval policy, the tools, MCP and chat. A new area's
    /// tools are one plugin class (methods with [KernelFunction] and [AgentTool] that call the gate) and one line here.
    /// </summary>
    public static IServiceCollection AddMistyAgents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAgentAuthentication();
        services.AddSingleton(new ApprovalPolicy(configuration.GetSection(ApprovalOptions.Section).Get<ApprovalOptions>() ?? new ApprovalOptions()));
        services.AddSingleton<AgentToolCatalog>();
        services.AddSingleton<AgentGate>();
        services.AddSingleton<AgentActions>();
        services.AddHostedService<AgentActionRecovery>();
        services.AddAgentPlugin<InventoryPlugin>("inventory");
        services.AddAgentPlugin<OrdersPlugin>("orders");
        services.AddAgentPlugin<PaymentsPlugin>("payments");
        services.AddAgentPlugin<CustomersPlugin>("customers");
        services.AddAgentPlugin<CasesPlugin>("cases");
        services.AddAgentPlugin<WorkflowsPlugin>("workflows");
        services.AddAgentPlugin<ActionsPlugin>("actions");
        services.AddAgentPlugin<KnowledgePlugin>("knowledge");
        services.AddAgentPlugin<ReplenishmentPlugin>("replenishment");
        services.AddAgentPlugin<InsightsPlugin>("insights");
        services.AddDashboardEvent<ApprovalRequested>(MistyStreams.Agents);
        services.AddAgentMcp();
        services.AddAgentChat();
        return services;
    }

    public static IServiceCollection AddAgentPlugin<TPlugin>(this IServiceCollection services, string pluginName) where TPlugin : class =>
        services.AddSingleton(new AgentPluginRegistration(typeof(TPlugin), pluginName));

    public static IEndpointRouteBuilder MapMistyAgents(this IEndpointRouteBuilder routes)
    {
        routes.MapAgentsApi();
        routes.MapAgentMcp();
        routes.MapAgentChatApi();
        return routes;
    }
}
