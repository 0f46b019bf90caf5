using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

[GenerateSerializer, Alias("Misty.AgentActionState")]
public sealed class AgentActionState
{
    [Id(0)] public AgentActionView? Action { get; set; }
}

public sealed class AgentActionGrain(
    [PersistentState(AgentActionGrain.StateName)] IPersistentState<AgentActionState> state,
    ILogger<AgentActionGrain> logger) : Grain, IAgentActionGrain
{
    public const string StateName = "agent-action";

    private StatePipeline<AgentActionState, object> _pipeline = null!;

    private AgentActionView? Action => _pipeline.Current.Action;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = state.StoreOnly(this, logger, $"agent action {this.GetPrimaryKey()}");
        return Task.CompletedTask;
    }

    public async Task<AgentActionView> CreateAsync(AgentActionDraft draft)
    {
        if (Action is { } existing)
        {
            return existing;
        }

        var action = new AgentActionView(this.GetPrimaryKey(), draft.AgentId, draft.AgentName, draft.Tool, draft.ArgumentsJson, draft.Reason,
            AgentActionStatus.Pending, draft.CreatedAt, draft.ExpiresAt, null, null, null);
        await SaveAsync(action);
        return action;
    }

    public Task<AgentActionView?> GetAsync(DateTimeOffset now) => Task.FromResult(AsOf(now));

    public Task<AgentDecisionOutcome> ApproveAsync(string approvedBy, DateTimeOffset now) => DecideAsync(AgentActionStatus.Approved, approvedBy, now);

    public Task<AgentDecisionOutcome> RejectAsync(string rejectedBy, DateTimeOffset now) => DecideAsync(AgentActionStatus.Rejected, rejectedBy, now);

    public async Task<AgentActionView?> ClaimStalledAsync(DateTimeOffset now, TimeSpan lease)
    {
        if (Action is not { Status: AgentActionStatus.Approved } action || (action.ExecutingSince ?? action.DecidedAt) + lease > now)
        {
            return null;
        }

        var claimed = action with { ExecutingSince = now, Attempts = action.Attempts + 1 };
        // Stored before the answer, like an approval: a second node asking now finds a fresh attempt and leaves it.
        await SaveAsync(claimed);
        return claimed;
    }

    public async Task<AgentActionView?> CompleteAsync(bool succeeded, string resultJson, DateTimeOffset now)
    {
        if (Action is not { Status: AgentActionStatus.Approved } action)
        {
            return Action;
        }

        var completed = action with { Status = succeeded ? AgentActionStatus.Executed : AgentActionStatus.Failed, ResultJson = resultJson };
        await SaveAsync(completed);
        return completed;
    }

    private async Task<AgentDecisionOutcome> DecideAsync(AgentActionStatus decision, string by, DateTimeOffset now)
    {
        switch (AsOf(now))
        {
            case null:
                return new AgentDecisionOutcome(AgentDecisionResult.NotFound, null);
            case { Status: AgentActionStatus.Expired } expired:
                return new AgentDecisionOutcome(AgentDecisionResult.Expired, expired);
            case { Status: not AgentActionStatus.Pending } decided:
                return new AgentDecisionOutcome(AgentDecisionResult.AlreadyDecided, decided);
            case { } pending:
                var action = decision == AgentActionStatus.Approved
                    ? pending with { Status = decision, DecidedBy = by, DecidedAt = now, ExecutingSince = now, Attempts = 1 }
                    : pending with { Status = decision, DecidedBy = by, DecidedAt = now };
                // Stored before the answer: a second approval, on any node, finds it decided.
                await SaveAsync(action);
                return new AgentDecisionOutcome(AgentDecisionResult.Accepted, action);
        }
    }

    private AgentActionView? AsOf(DateTimeOffset now) =>
        Action is { Status: AgentActionStatus.Pending } pending && pending.ExpiresAt <= now
            ? pending with { Status = AgentActionStatus.Expired }
            : Action;

    private async Task SaveAsync(AgentActionView action)
    {
        _pipeline.Live.Action = action;
        await _pipeline.StoreAsync();
        await GrainFactory.GetGrain<IAgentActionIndexGrain>(0).RecordAsync(action);
    }
}
