namespace Misty.Grains.Interfaces.Agents;

/// <summary>Every agent account (one activation, key 0): small, and read on every agent request, so one grain holds it.</summary>
[Alias("Misty.IAgentRegistryGrain")]
public interface IAgentRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Create")]
    Task<AgentAccount> CreateAsync(Guid agentId, string name, string role, IReadOnlyList<string> scopes, AgentKey key, DateTimeOffset at);

    [Alias("List")]
    Task<IReadOnlyList<AgentAccount>> ListAsync();

    [Alias("Get")]
    Task<AgentAccount?> GetAsync(Guid agentId);

    /// <returns>The live agent whose current key has this hash; null for an unknown, replaced or revoked key.</returns>
    [Alias("FindByKey")]
    Task<AgentAccount?> FindByKeyAsync(byte[] keyHash);

    /// <summary>Replaces the key: the old one stops working at once. Null when there is no such live agent.</summary>
    [Alias("RotateKey")]
    Task<AgentAccount?> RotateKeyAsync(Guid agentId, AgentKey key, DateTimeOffset at);

    /// <summary>Revokes the agent: its key stops working at once. Null when there is no such agent.</summary>
    [Alias("Revoke")]
    Task<AgentAccount?> RevokeAsync(Guid agentId, DateTimeOffset at);
}

/// <summary>One held tool call (key: action id), from the hold to the person's decision and the call's result.</summary>
[Alias("Misty.IAgentActionGrain")]
public interface IAgentActionGrain : IGrainWithGuidKey
{
    /// <summary>Stores the held call; a repeated create changes nothing.</summary>
    [Alias("Create")]
    Task<AgentActionView> CreateAsync(AgentActionDraft draft);

    /// <returns>The action as of <paramref name="now"/> (a pending one past its expiry reads as expired), or null.</returns>
    [Alias("Get")]
    Task<AgentActionView?> GetAsync(DateTimeOffset now);

    /// <summary>
    /// Marks a pending action approved and stores that before answering, so only one approval ever executes it; the
    /// approver then runs the call and reports with <see cref="CompleteAsync"/>.
    /// </summary>
    [Alias("Approve")]
    Task<AgentDecisionOutcome> ApproveAsync(string approvedBy, DateTimeOffset now);

    [Alias("Reject")]
    Task<AgentDecisionOutcome> RejectAsync(string rejectedBy, DateTimeOffset now);

    /// <summary>
    /// Takes over an approved call whose attempt began at least <paramref name="lease"/> ago and was never recorded (the
    /// node executing it died): stores a new attempt and answers the action, which the caller then executes under the
    /// same idempotency key and completes. Null when there is nothing to take over (done, or an attempt is still fresh),
    /// so of several nodes looking at once only one executes.
    /// </summary>
    [Alias("ClaimStalled")]
    Task<AgentActionView?> ClaimStalledAsync(DateTimeOffset now, TimeSpan lease);

    /// <summary>Records the result of the approved call.</summary>
    [Alias("Complete")]
    Task<AgentActionView?> CompleteAsync(bool succeeded, string resultJson, DateTimeOffset now);
}

/// <summary>The list of held actions (key 0), newest first, for GET /api/agent-actions; bounded.</summary>
[Alias("Misty.IAgentActionIndexGrain")]
public interface IAgentActionIndexGrain : IGrainWithIntegerKey
{
    [Alias("Record")]
    Task RecordAsync(AgentActionView action);

    [Alias("List")]
    Task<IReadOnlyList<AgentActionView>> ListAsync(AgentActionStatus? status, Guid? agentId, DateTimeOffset now, int limit);
}

/// <summary>An agent's recent tool calls (key: agent id), every call audited before its answer; bounded.</summary>
[Alias("Misty.IAgentAuditGrain")]
public interface IAgentAuditGrain : IGrainWithGuidKey
{
    [Alias("Record")]
    Task RecordAsync(AgentCallRecord call);

    /// <returns>Newest first.</returns>
    [Alias("List")]
    Task<IReadOnlyList<AgentCallRecord>> ListAsync(int limit);
}

/// <summary>One chat session with the assistant (key: session id): who owns it and its trimmed history.</summary>
[Alias("Misty.IAgentSessionGrain")]
public interface IAgentSessionGrain : IGrainWithGuidKey
{
    /// <returns>The history; null when the session belongs to another owner (so ids cannot be used to read others' chats).</returns>
    [Alias("Open")]
    Task<IReadOnlyList<AgentChatTurn>?> OpenAsync(string owner);

    /// <summary>Appends the turns and trims the oldest so the history stays within the token budget.</summary>
    [Alias("Append")]
    Task AppendAsync(string owner, IReadOnlyList<AgentChatTurn> turns);
}
