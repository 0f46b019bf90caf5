using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

[GenerateSerializer, Alias("Misty.AgentActionIndexState")]
public sealed class AgentActionIndexState
{
    [Id(0)] public List<AgentActionView> Actions { get; set; } = [];
}

public sealed class AgentActionIndexGrain(
    [PersistentState(AgentActionIndexGrain.StateName)] IPersistentState<AgentActionIndexState> state,
    ILogger<AgentActionIndexGrain> logger) : Grain, IAgentActionIndexGrain
{
    public const string StateName = "agent-action-index";

    /// <summary>Decided actions beyond this many are dropped from the list, oldest first; pending ones always stay.</summary>
    public const int MaxDecided = 500;

    private StatePipeline<AgentActionIndexState, object> _pipeline = null!;
    private RecentBook<AgentActionView> _actions = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = state.StoreOnly(this, logger, "the agent action index");
        _actions = new RecentBook<AgentActionView>(_pipeline.Live.Actions, MaxDecided, action => action.CreatedAt)
        {
            Same = (known, action) => known.ActionId == action.ActionId,
            Droppable = action => action.Status != AgentActionStatus.Pending,
        };
        return Task.CompletedTask;
    }

    public async Task RecordAsync(AgentActionView action)
    {
        _pipeline.ThrowIfFailed();
        _actions.Record(action);
        await _pipeline.StoreAsync();
    }

    public Task<IReadOnlyList<AgentActionView>> ListAsync(AgentActionStatus? status, Guid? agentId, DateTimeOffset now, int limit)
    {
        _pipeline.ThrowIfFailed();
        return Task.FromResult<IReadOnlyList<AgentActionView>>(
        [
            .. _actions.Newest()
                .Select(action => action is { Status: AgentActionStatus.Pending } && action.ExpiresAt <= now ? action with { Status = AgentActionStatus.Expired } : action)
                .Where(action => (status is null || action.Status == status) && (agentId is null || action.AgentId == agentId))
                .Take(limit),
        ]);
    }
}
