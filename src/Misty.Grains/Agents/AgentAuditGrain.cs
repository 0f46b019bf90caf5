using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

[GenerateSerializer, Alias("Misty.AgentAuditState")]
public sealed class AgentAuditState
{
    [Id(0)] public List<AgentCallRecord> Calls { get; set; } = [];
}

/// <remarks>The project's audit trail (system_logs) gets every call too; this keeps an agent's recent calls for the API.</remarks>
public sealed class AgentAuditGrain([PersistentState(AgentAuditGrain.StateName)] IPersistentState<AgentAuditState> state)
    : Grain, IAgentAuditGrain
{
    public const string StateName = "agent-audit";
    public const int MaxCalls = 200;

    public async Task RecordAsync(AgentCallRecord call)
    {
        var calls = state.State.Calls;
        calls.Add(call);
        if (calls.Count > MaxCalls)
        {
            calls.RemoveRange(0, calls.Count - MaxCalls);
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<AgentCallRecord>> ListAsync(int limit) =>
        Task.FromResult<IReadOnlyList<AgentCallRecord>>([.. Enumerable.Reverse(state.State.Calls).Take(limit)]);
}
