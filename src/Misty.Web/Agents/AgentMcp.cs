using System.Text.Json;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Misty.Web.Agents;

/// <summary>
/// The MCP endpoint's two handlers: tools/list answers only the tools the key's scopes allow, with their hints;
/// tools/call runs the named tool through the gate, which also refuses (and audits) a tool outside the scopes.
/// </summary>
public static class AgentMcp
{
    public const string Path = "/mcp";

    public static IServiceCollection AddAgentMcp(this IServiceCollection services)
    {
        services.AddMcpServer(server => server.ServerInfo = new Implementation { Name = "misty", Version = "1.0" })
            // Stateless: any node answers any request, and nothing is kept between calls; approvals come back as pending results.
            .WithHttpTransport(transport => transport.Stateless = true)
            .WithListToolsHandler(ListToolsAsync)
            .WithCallToolHandler(CallToolAsync);
        return services;
    }

    public static IEndpointRouteBuilder MapAgentMcp(this IEndpointRouteBuilder routes)
    {
        routes.MapMcp(Path).RequireAuthorization(AgentIdentity.Policy);
        return routes;
    }

    private static ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken)
    {
        var agent = Agent(request);
        var catalog = request.Services!.GetRequiredService<AgentToolCatalog>();
        return ValueTask.FromResult(new ListToolsResult { Tools = [.. catalog.AllowedFor(agent).Select(Describe)] });
    }

    private static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var agent = Agent(request);
        var services = request.Services!;
        var name = request.Params?.Name ?? "";
        if (services.GetRequiredService<AgentToolCatalog>().Find(name) is not { } tool)
        {
            return Error(new { status = "error", error = "unknown_tool", message = "There is no such tool; tools/list names the tools this key may call." });
        }

        var context = new AgentCallContext(agent, "mcp");
        var kernel = services.GetRequiredService<AgentToolCatalog>().CreateKernel(context);
        var arguments = ToolJson.ToKernelArguments(request.Params?.Arguments ?? new Dictionary<string, JsonElement>());
        string result;
        try
        {
            result = (await tool.Function.InvokeAsync(kernel, arguments, cancellationToken)).GetValue<string>() ?? "{}";
        }
        catch (Exception ex) when (ex is ArgumentException or KernelException or FormatException or InvalidCastException)
        {
            // The arguments did not bind to the tool's parameters (a missing one, text where a number belongs): the gate
            // never ran, so this refusal is audited here.
            await services.GetRequiredService<AgentGate>().RecordUnboundAsync(context, tool, arguments, ex.Message);
            return Error(new { status = "invalid", message = "Nothing was done: the arguments do not fit the tool's schema.", detail = ex.Message });
        }

        var outcome = context.Calls.LastOrDefault()?.Outcome;
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = result }],
            IsError = outcome is not ("ok" or "pending_approval" or "approved_ok"),
        };
    }

    private static Tool Describe(AgentTool tool) => new()
    {
        Name = tool.Name,
        Description = tool.Function.Description,
        InputSchema = tool.Function.JsonSchema,
        Annotations = new ToolAnnotations
        {
            ReadOnlyHint = tool.ReadOnly,
            DestructiveHint = !tool.ReadOnly && tool.Destructive,
            OpenWorldHint = false,
        },
    };

    private static AgentIdentity Agent(MessageContext request) =>
        AgentIdentity.FromPrincipal(request.User) ?? throw new InvalidOperationException("The MCP endpoint requires the agent scheme.");

    private static CallToolResult Error(object body) =>
        new() { Content = [new TextContentBlock { Text = ToolJson.Serialize(body) }], IsError = true };
}
