using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;
using Misty.Grains.Interfaces.Agents;

namespace Misty.Web.Agents;

/// <summary>Marks a plugin method as an agent tool of an area; the gate authorises it by "&lt;area&gt;:read|write".</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AgentToolAttribute(string area, bool readOnly) : Attribute
{
    /// <summary>The area of tools about the agent's own held actions: every agent may use them, for its own actions only.</summary>
    public const string OwnActions = "own";

    public string Area { get; } = area;
    public bool ReadOnly { get; } = readOnly;
    /// <summary>The call may undo or remove something (a cancellation, a refund): MCP clients warn before calling.</summary>
    public bool Destructive { get; init; }
}

/// <summary>A registered tool: its function and how the gate treats it.</summary>
public sealed record AgentTool(KernelFunction Function, string PluginName, string Area, bool ReadOnly, bool Destructive)
{
    public string Name => Function.Name;
}

/// <summary>What a tool returns: a compact JSON body, or an error the model (or MCP client) can act on.</summary>
public sealed record ToolOutcome(bool Succeeded, object Body)
{
    public static ToolOutcome Ok(object body) => new(true, body);

    public static ToolOutcome Error(string error, string message) => new(false, new { status = "error", error, message });

    public static ToolOutcome NotFound(string what, string id) => Error("not_found", $"There is no {what} {id}.");
}

/// <summary>
/// Who a tool call acts for and through which door; kept in <see cref="Kernel.Data"/> so every call of that kernel,
/// whoever invokes the function (the chat loop, the MCP endpoint or an approval), reaches the gate with it.
/// </summary>
public sealed class AgentCallContext(AgentIdentity agent, string channel)
{
    private const string DataKey = "misty.agent-call";

    public AgentIdentity Agent { get; } = agent;
    public string Channel { get; } = channel;

    /// <summary>The held action a manager approved: the gate executes its tool once instead of holding it again.</summary>
    public AgentActionView? ApprovedAction { get; init; }
    public string? ApprovedBy { get; init; }

    /// <summary>The calls the gate decided for this context, in order (the chat answer lists them).</summary>
    public List<AgentCallRecord> Calls { get; } = [];

    public void AttachTo(Kernel kernel) => kernel.Data[DataKey] = this;

    public static AgentCallContext Of(Kernel kernel) =>
        kernel.Data.TryGetValue(DataKey, out var value) && value is AgentCallContext context
            ? context
            : throw new InvalidOperationException("An agent tool was invoked without an agent call context: only the gate's kernels may run tools.");
}

public static class ToolJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Options);

    /// <summary>
    /// Arguments as SK binds them: strings, which it converts to each parameter's type, so stored and MCP arguments
    /// reach the method exactly as a model's would.
    /// </summary>
    public static KernelArguments ToKernelArguments(IEnumerable<KeyValuePair<string, JsonElement>> arguments)
    {
        var result = new KernelArguments();
        foreach (var (name, value) in arguments)
        {
            result[name] = value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => value.GetString(),
                _ => value.GetRawText(),
            };
        }

        return result;
    }
}
