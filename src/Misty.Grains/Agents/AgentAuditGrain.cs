using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

[GenerateSerializer, Alias("Misty.AgentAuditState")]
public sealed class AgentAuditState
{
    [Id(0)] public List<AgentCallRecord> Calls { get; set; } = [];
}

/// <remarks>The project's audit trail (system_logs) gets every call too; this keeps an agent's recent calls for the API.</remarks>
public sealed class AgentAuditGrain(
    [PersistentState(AgentAuditGrain.StateName)] IPersistentState<AgentAuditState> state,
    ILogger<AgentAuditGrain> logger) : Grain, IAgentAuditGrain
{
    public const string StateName = "agent-audit";
    public const int MaxCalls = 200;

    private StatePipeline<AgentAuditState, object> _pipeline = null!;
    private RecentBook<AgentCallRecord> _calls = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = state.StoreOnly(this, logger, $"the audit of agent {this.GetPrimaryKey()}");
        _calls = new RecentBook<AgentCallRecord>(_pipeline.Live.Calls, MaxCalls, call => call.At);
        return Task.CompletedTask;
    }

    public async Task RecordAsync(AgentCallRecord call)
    {
        _pipeline.ThrowIfFailed();
        _calls.Record(call);
        await _pipeline.StoreAsync();
    }

    public Task<IReadOnlyList<AgentCallRecord>> ListAsync(int limit)
    {
        _pipeline.ThrowIfFailed();
        return Task.FromResult<IReadOnlyList<AgentCallRecord>>([.. _calls.Newest().Take(limit)]);
    }
}
