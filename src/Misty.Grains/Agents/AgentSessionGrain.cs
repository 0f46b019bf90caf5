using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

[GenerateSerializer, Alias("Misty.AgentSessionState")]
public sealed class AgentSessionState
{
    [Id(0)] public string? Owner { get; set; }
    [Id(1)] public List<AgentChatTurn> Turns { get; set; } = [];
}

public sealed class AgentSessionGrain(
    [PersistentState(AgentSessionGrain.StateName)] IPersistentState<AgentSessionState> state,
    ILogger<AgentSessionGrain> logger) : Grain, IAgentSessionGrain
{
    public const string StateName = "agent-session";

    /// <summary>The history budget in estimated tokens: room for the tools' schemas and the answer in a small context.</summary>
    public const int MaxHistoryTokens = 6_000;

    private StatePipeline<AgentSessionState, object> _pipeline = null!;

    private AgentSessionState Session => _pipeline.Current;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = state.StoreOnly(this, logger, $"agent session {this.GetPrimaryKey()}");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AgentChatTurn>?> OpenAsync(string owner) =>
        Task.FromResult<IReadOnlyList<AgentChatTurn>?>(Session.Owner is null || Session.Owner == owner ? [.. Session.Turns] : null);

    public async Task AppendAsync(string owner, IReadOnlyList<AgentChatTurn> turns)
    {
        if (Session.Owner is { } known && known != owner)
        {
            throw new InvalidOperationException("The session belongs to another caller.");
        }

        Session.Owner = owner;
        Session.Turns = ChatHistoryBudget.Trim([.. Session.Turns, .. turns], MaxHistoryTokens);
        await _pipeline.StoreAsync();
    }
}
