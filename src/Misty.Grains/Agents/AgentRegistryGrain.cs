using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

[GenerateSerializer, Alias("Misty.AgentRegistryState")]
public sealed class AgentRegistryState
{
    [Id(0)] public List<StoredAgent> Agents { get; set; } = [];
}

[GenerateSerializer, Alias("Misty.StoredAgent")]
public sealed class StoredAgent
{
    [Id(0)] public Guid AgentId { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public string Role { get; set; } = "";
    [Id(3)] public List<string> Scopes { get; set; } = [];
    [Id(4)] public string KeyPrefix { get; set; } = "";
    /// <summary>SHA-256 of the current key, hex.</summary>
    [Id(5)] public string KeyHash { get; set; } = "";
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
    [Id(7)] public DateTimeOffset? KeyRotatedAt { get; set; }
    [Id(8)] public DateTimeOffset? RevokedAt { get; set; }

    public AgentAccount ToAccount() => new(AgentId, Name, Role, [.. Scopes], KeyPrefix, CreatedAt, KeyRotatedAt, RevokedAt);
}

public sealed class AgentRegistryGrain(
    [PersistentState(AgentRegistryGrain.StateName)] IPersistentState<AgentRegistryState> state,
    ILogger<AgentRegistryGrain> logger) : Grain, IAgentRegistryGrain
{
    public const string StateName = "agent-registry";

    private StatePipeline<AgentRegistryState, object> _pipeline = null!;
    private Dictionary<string, StoredAgent>? _byHash;

    private List<StoredAgent> Agents => _pipeline.Current.Agents;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = state.StoreOnly(this, logger, "the agent registry");
        return Task.CompletedTask;
    }

    public async Task<AgentAccount> CreateAsync(Guid agentId, string name, string role, IReadOnlyList<string> scopes, AgentKey key, DateTimeOffset at)
    {
        if (Find(agentId) is { } existing)
        {
            return existing.ToAccount();
        }

        var agent = new StoredAgent
        {
            AgentId = agentId,
            Name = name,
            Role = role,
            Scopes = [.. scopes],
            KeyPrefix = key.KeyPrefix,
            KeyHash = Convert.ToHexString(key.KeyHash),
            CreatedAt = at,
        };
        Agents.Add(agent);
        await SaveAsync();
        return agent.ToAccount();
    }

    public Task<IReadOnlyList<AgentAccount>> ListAsync() =>
        Task.FromResult<IReadOnlyList<AgentAccount>>([.. Agents.Select(agent => agent.ToAccount())]);

    public Task<AgentAccount?> GetAsync(Guid agentId) => Task.FromResult(Find(agentId)?.ToAccount());

    public Task<AgentAccount?> FindByKeyAsync(byte[] keyHash)
    {
        _byHash ??= Agents.Where(agent => agent.RevokedAt is null).ToDictionary(agent => agent.KeyHash, StringComparer.Ordinal);
        return Task.FromResult(_byHash.TryGetValue(Convert.ToHexString(keyHash), out var agent) ? agent.ToAccount() : null);
    }

    public async Task<AgentAccount?> RotateKeyAsync(Guid agentId, AgentKey key, DateTimeOffset at)
    {
        if (Find(agentId) is not { RevokedAt: null } agent)
        {
            return null;
        }

        agent.KeyPrefix = key.KeyPrefix;
        agent.KeyHash = Convert.ToHexString(key.KeyHash);
        agent.KeyRotatedAt = at;
        await SaveAsync();
        return agent.ToAccount();
    }

    public async Task<AgentAccount?> RevokeAsync(Guid agentId, DateTimeOffset at)
    {
        if (Find(agentId) is not { } agent)
        {
            return null;
        }

        if (agent.RevokedAt is null)
        {
            agent.RevokedAt = at;
            await SaveAsync();
        }

        return agent.ToAccount();
    }

    private StoredAgent? Find(Guid agentId) => Agents.Find(agent => agent.AgentId == agentId);

    private async Task SaveAsync()
    {
        _byHash = null;
        await _pipeline.StoreAsync();
    }
}
