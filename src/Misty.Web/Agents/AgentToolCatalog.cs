using System.Reflection;
using Microsoft.SemanticKernel;

namespace Misty.Web.Agents;

/// <summary>A plugin type the catalog loads: one registration line per plugin (<see cref="AgentsSetup.AddAgentPlugin{T}"/>).</summary>
public sealed record AgentPluginRegistration(Type PluginType, string PluginName);

/// <summary>
/// Every agent tool, loaded once from the registered plugin types. Kernels built here hold only the tools an agent's
/// scopes allow, so a model is never offered one it may not call (and the gate would refuse it anyway).
/// </summary>
public sealed class AgentToolCatalog
{
    private readonly Dictionary<string, AgentTool> _tools = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;

    public AgentToolCatalog(IEnumerable<AgentPluginRegistration> registrations, IServiceProvider services)
    {
        _services = services;
        foreach (var registration in registrations)
        {
            var plugin = KernelPluginFactory.CreateFromType(registration.PluginType, registration.PluginName, services);
            foreach (var function in plugin)
            {
                var method = registration.PluginType.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                    .Single(candidate => candidate.GetCustomAttribute<KernelFunctionAttribute>()?.Name == function.Name);
                var tool = method.GetCustomAttribute<AgentToolAttribute>()
                    ?? throw new InvalidOperationException($"{registration.PluginType.Name}.{method.Name} has no [AgentTool]: say its area and whether it only reads.");
                if (!_tools.TryAdd(function.Name, new AgentTool(function, registration.PluginName, tool.Area, tool.ReadOnly, tool.Destructive)))
                {
                    throw new InvalidOperationException($"Two plugins define the tool {function.Name}.");
                }
            }
        }
    }

    public IReadOnlyCollection<AgentTool> All => _tools.Values;

    public AgentTool? Find(string name) => _tools.GetValueOrDefault(name);

    public IEnumerable<AgentTool> AllowedFor(AgentIdentity agent) =>
        _tools.Values.Where(tool => agent.Allows(tool.Area, !tool.ReadOnly)).OrderBy(tool => tool.Name, StringComparer.Ordinal);

    /// <summary>A kernel for one conversation, MCP call or approval: the agent's tools only, and its call context.</summary>
    public Kernel CreateKernel(AgentCallContext context)
    {
        var kernel = new Kernel(_services);
        foreach (var plugin in AllowedFor(context.Agent).GroupBy(tool => tool.PluginName, StringComparer.Ordinal))
        {
            kernel.Plugins.Add(KernelPluginFactory.CreateFromFunctions(plugin.Key, plugin.Select(tool => tool.Function)));
        }

        context.AttachTo(kernel);
        return kernel;
    }
}
