using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

[GenerateSerializer, Alias("Misty.AgentSessionState")]
public sealed class AgentSessionState
{
    [Id(0)] public string? Owner { get; set; }
    [Id(1)] public List<AgentChatTurn> Turns { get; set; } = [];
}

public sealed class AgentSessionGrain([PersistentState(AgentSessionGrain.StateName)] IPersistentState<AgentSessionState> state)
    : Grain, IAgentSessionGrain
{
    public const string StateName = "agent-session";

    /// <summary>The history budget in estimated tokens: room for the tools' schemas and the answer in a small context.</summary>
    public const int MaxHistoryTokens = 6_000;

    public Task<IReadOnlyList<AgentChatTurn>?> OpenAsync(string owner) =>
        Task.FromResult<IReadOnlyList<AgentChatTurn>?>(state.State.Owner is null || state.State.Owner == owner ? [.. state.State.Turns] : null);

    public async Task AppendAsync(string owner, IReadOnlyList<AgentChatTurn> turns)
    {
        if (state.State.Owner is { } known && known != owner)
        {
            throw new InvalidOperationException("The session belongs to another caller.");
        }

        state.State.Owner = owner;
        state.State.Turns = ChatHistoryBudget.Trim([.. state.State.Turns, .. turns], MaxHistoryTokens);
        await state.WriteStateAsync();
    }
}
