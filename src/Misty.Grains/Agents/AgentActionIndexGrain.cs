using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

[GenerateSerializer, Alias("Misty.AgentActionIndexState")]
public sealed class AgentActionIndexState
{
    [Id(0)] public List<AgentActionView> Actions { get; set; } = [];
}

public sealed class AgentActionIndexGrain([PersistentState(AgentActionIndexGrain.StateName)] IPersistentState<AgentActionIndexState> state)
    : Grain, IAgentActionIndexGrain
{
    public const string StateName = "agent-action-index";

    /// <summary>Decided actions beyond this many are dropped from the list, oldest first; pending ones always stay.</summary>
    public const int MaxDecided = 500;

    public async Task RecordAsync(AgentActionView action)
    {
        var actions = state.State.Actions;
        actions.RemoveAll(known => known.ActionId == action.ActionId);
        actions.Add(action);
        var decided = actions.Where(known => known.Status != AgentActionStatus.Pending).OrderBy(known => known.CreatedAt).ToList();
        foreach (var old in decided.Take(Math.Max(0, decided.Count - MaxDecided)))
        {
            actions.Remove(old);
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<AgentActionView>> ListAsync(AgentActionStatus? status, Guid? agentId, DateTimeOffset now, int limit) =>
        Task.FromResult<IReadOnlyList<AgentActionView>>(
        [
            .. state.State.Actions
                .Select(action => action is { Status: AgentActionStatus.Pending } && action.ExpiresAt <= now ? action with { Status = AgentActionStatus.Expired } : action)
                .Where(action => (status is null || action.Status == status) && (agentId is null || action.AgentId == agentId))
                .OrderByDescending(action => action.CreatedAt)
                .Take(limit),
        ]);
}
