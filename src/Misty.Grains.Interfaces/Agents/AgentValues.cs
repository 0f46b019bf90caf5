namespace Misty.Grains.Interfaces.Agents;

/// <summary>An AI agent's account: who it is, what it may touch, and the hash of its current key.</summary>
[GenerateSerializer, Immutable, Alias("Misty.AgentAccount")]
public sealed record AgentAccount(
    [property: Id(0)] Guid AgentId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Role,
    [property: Id(3)] IReadOnlyList<string> Scopes,
    [property: Id(4)] string KeyPrefix,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? KeyRotatedAt,
    [property: Id(7)] DateTimeOffset? RevokedAt);

/// <summary>A new agent or a new key: the SHA-256 of the key, never the key itself.</summary>
[GenerateSerializer, Immutable, Alias("Misty.AgentKey")]
public sealed record AgentKey(
    [property: Id(0)] string KeyPrefix,
    [property: Id(1)] byte[] KeyHash);

[GenerateSerializer, Alias("Misty.AgentActionStatus")]
public enum AgentActionStatus
{
    Pending,
    /// <summary>Approved, and being executed: a second approval finds it here and is refused.</summary>
    Approved,
    Executed,
    Failed,
    Rejected,
    Expired,
}

/// <summary>A tool call held for a person's approval, with the exact arguments the agent gave.</summary>
[GenerateSerializer, Immutable, Alias("Misty.AgentActionDraft")]
public sealed record AgentActionDraft(
    [property: Id(0)] Guid AgentId,
    [property: Id(1)] string AgentName,
    [property: Id(2)] string Tool,
    [property: Id(3)] string ArgumentsJson,
    [property: Id(4)] string Reason,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset ExpiresAt);

/// <param name="ExecutingSince">When the current attempt to execute the approved call began (stored before it runs).</param>
/// <param name="Attempts">How many times the approved call was started: more than one only when an attempt was cut short.</param>
[GenerateSerializer, Immutable, Alias("Misty.AgentActionView")]
public sealed record AgentActionView(
    [property: Id(0)] Guid ActionId,
    [property: Id(1)] Guid AgentId,
    [property: Id(2)] string AgentName,
    [property: Id(3)] string Tool,
    [property: Id(4)] string ArgumentsJson,
    [property: Id(5)] string Reason,
    [property: Id(6)] AgentActionStatus Status,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt,
    [property: Id(9)] string? DecidedBy,
    [property: Id(10)] DateTimeOffset? DecidedAt,
    [property: Id(11)] string? ResultJson,
    [property: Id(12)] DateTimeOffset? ExecutingSince = null,
    [property: Id(13)] int Attempts = 0);

[GenerateSerializer, Alias("Misty.AgentDecisionResult")]
public enum AgentDecisionResult
{
    /// <summary>The decision was recorded; for an approval, the caller executes the call now and then completes it.</summary>
    Accepted,
    NotFound,
    /// <summary>Already approved, rejected or expired: nothing changed.</summary>
    AlreadyDecided,
    Expired,
}

[GenerateSerializer, Immutable, Alias("Misty.AgentDecisionOutcome")]
public sealed record AgentDecisionOutcome(
    [property: Id(0)] AgentDecisionResult Result,
    [property: Id(1)] AgentActionView? Action);

/// <summary>One audited tool call: allowed, refused, held, approved or failed.</summary>
/// <param name="Outcome">ok, error, invalid, forbidden, pending_approval, approved_ok, approved_error.</param>
/// <param name="ArgumentsJson">The arguments as given, with anything named like a secret blanked.</param>
/// <param name="Channel">mcp, chat, workflow (an agent step), or approval (a held call executed on a person's approval).</param>
[GenerateSerializer, Immutable, Alias("Misty.AgentCallRecord")]
public sealed record AgentCallRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] Guid AgentId,
    [property: Id(2)] string Tool,
    [property: Id(3)] string ArgumentsJson,
    [property: Id(4)] string Outcome,
    [property: Id(5)] long DurationMs,
    [property: Id(6)] string Channel,
    [property: Id(7)] string? ApprovedBy,
    [property: Id(8)] Guid? ActionId,
    [property: Id(9)] string? Detail);

/// <summary>A manager's decision is needed: published on <see cref="MistyStreams.Agents"/> for the dashboard.</summary>
[GenerateSerializer, Immutable, Alias("Misty.ApprovalRequested")]
public sealed record ApprovalRequested(
    [property: Id(0)] Guid ActionId,
    [property: Id(1)] Guid AgentId,
    [property: Id(2)] string AgentName,
    [property: Id(3)] string Tool,
    [property: Id(4)] string Reason,
    [property: Id(5)] DateTimeOffset ExpiresAt);

/// <summary>One turn of an agent conversation as the session grain keeps it.</summary>
/// <param name="Role">user, assistant or tool.</param>
[GenerateSerializer, Immutable, Alias("Misty.AgentChatTurn")]
public sealed record AgentChatTurn(
    [property: Id(0)] string Role,
    [property: Id(1)] string Text,
    [property: Id(2)] DateTimeOffset At);
