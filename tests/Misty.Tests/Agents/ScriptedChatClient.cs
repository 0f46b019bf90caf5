using Microsoft.Extensions.AI;
using Misty.Web.Agents;

namespace Misty.Tests.Agents;

/// <summary>
/// Stands in for the language model: each turn answers what the next scripted step makes of the request (tool calls,
/// then text), and records what it was offered and sent.
/// </summary>
public sealed class ScriptedChatClient(params Func<ChatOptions?, ChatResponse>[] steps) : IChatClient, IAgentChatClientSource
{
    private readonly Queue<Func<ChatOptions?, ChatResponse>> _steps = new(steps);

    public List<IReadOnlyList<string>> OfferedTools { get; } = [];
    public List<IReadOnlyList<ChatMessage>> Requests { get; } = [];
    public AiModelConfig? CreatedFor { get; private set; }
    public string? ApiKey { get; private set; }

    public IChatClient Create(AiModelConfig config, string? apiKey)
    {
        CreatedFor = config;
        ApiKey = apiKey;
        return this;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Requests.Add([.. messages]);
        OfferedTools.Add([.. (options?.Tools ?? []).Select(tool => tool.Name)]);
        return Task.FromResult(_steps.Dequeue()(options));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The assistant does not stream.");

    /// <remarks>Semantic Kernel asks for the metadata and fails without it.</remarks>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", null, "scripted-model") : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    /// <summary>A model turn that calls tools, each named by the tool name the endpoint uses (the wire name adds the plugin).</summary>
    public static Func<ChatOptions?, ChatResponse> Calls(params (string Tool, Dictionary<string, object?> Arguments)[] calls) => options =>
        new ChatResponse(new ChatMessage(ChatRole.Assistant,
        [
            .. calls.Select((call, i) => (AIContent)new FunctionCallContent($"call-{i}-{Guid.NewGuid():N}",
                options?.Tools?.FirstOrDefault(tool => tool.Name.EndsWith(call.Tool, StringComparison.Ordinal))?.Name ?? $"payments_{call.Tool}",
                call.Arguments)),
        ]));

    public static Func<ChatOptions?, ChatResponse> Says(string text) => _ => new ChatResponse(new ChatMessage(ChatRole.Assistant, text));
}
