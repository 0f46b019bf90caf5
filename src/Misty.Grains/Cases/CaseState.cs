using Misty.Grains.Interfaces.Cases;

namespace Misty.Grains.Cases;

[GenerateSerializer, Alias("Misty.CaseState")]
public sealed class CaseState
{
    /// <summary>False until the case is opened (or found in the rows); an unknown id stays false.</summary>
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string CaseNumber { get; set; } = "";
    [Id(2)] public Guid CustomerId { get; set; }
    [Id(3)] public string Subject { get; set; } = "";
    [Id(4)] public string? Description { get; set; }
    [Id(5)] public CaseCategory Category { get; set; }
    [Id(6)] public CasePriority Priority { get; set; }
    /// <summary>
    /// The priority the SLA targets are measured against: set when staff or the triage classify the case, but not raised
    /// by an escalation, so that one missed target does not retroactively fail the other.
    /// </summary>
    [Id(7)] public CasePriority SlaPriority { get; set; }
    [Id(8)] public CaseStatus Status { get; set; }
    [Id(9)] public Guid? AssignedTo { get; set; }
    [Id(10)] public TriageSummary? Triage { get; set; }
    [Id(11)] public string? AiSentiment { get; set; }
    [Id(12)] public int? AiScore { get; set; }
    [Id(13)] public CaseSuggestion? Suggestion { get; set; }
    [Id(14)] public bool Escalated { get; set; }
    [Id(15)] public bool WaitingOnCustomer { get; set; }
    [Id(16)] public SlaClock? FirstResponse { get; set; }
    [Id(17)] public SlaClock? Resolution { get; set; }
    [Id(18)] public List<CaseMessage> Messages { get; set; } = [];
    [Id(19)] public List<CaseHistoryEntry> History { get; set; } = [];
    [Id(20)] public DateTimeOffset CreatedAt { get; set; }
    [Id(21)] public DateTimeOffset? ResolvedAt { get; set; }
    [Id(22)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(23)] public long Version { get; set; }
    /// <summary>The outbox: messages stored here first, then projected to case_messages.</summary>
    [Id(24)] public List<Guid> UnprojectedMessages { get; set; } = [];
    /// <summary>The outbox of history entries, projected to case_events.</summary>
    [Id(25)] public List<Guid> UnprojectedHistory { get; set; } = [];
    /// <summary>The customer's opening message, which tells a retried open from a different case under the same id.</summary>
    [Id(26)] public Guid OpeningMessageId { get; set; }
}
