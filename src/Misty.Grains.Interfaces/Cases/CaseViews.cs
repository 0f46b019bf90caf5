using System.Text.Json.Serialization;
using Misty.Grains.Interfaces.Knowledge;

namespace Misty.Grains.Interfaces.Cases;

/// <summary>A case as its grain holds it, with its conversation, history and SLA clocks.</summary>
/// <param name="AiSentiment">The customer's mood in their latest message (happy, neutral, frustrated, angry).</param>
/// <param name="AiScore">Urgency from 0 (can wait) to 100 (act now), from the latest triage.</param>
/// <param name="AiSuggestion">The open suggestion as the cases.ai_suggestion text; null once staff reviewed it.</param>
/// <param name="Escalated">An SLA target was missed and the case escalated.</param>
/// <param name="WaitingOnCustomer">Staff replied and wait for the customer: the resolution clock is paused.</param>
/// <param name="Messages">Oldest first; without internal notes when asked for the customer's view.</param>
[GenerateSerializer, Immutable, Alias("Misty.CaseView")]
public sealed record CaseView(
    [property: Id(0)] Guid CaseId,
    [property: Id(1)] string CaseNumber,
    [property: Id(2)] Guid CustomerId,
    [property: Id(3)] string Subject,
    [property: Id(4)] string? Description,
    [property: Id(5)] CaseCategory Category,
    [property: Id(6)] CasePriority Priority,
    [property: Id(7)] CaseStatus Status,
    [property: Id(8)] Guid? AssignedTo,
    [property: Id(9)] string? AiSentiment,
    [property: Id(10)] int? AiScore,
    [property: Id(11)] string? AiSuggestion,
    [property: Id(12)] CaseSuggestion? Suggestion,
    [property: Id(13)] TriageSummary? Triage,
    [property: Id(14)] bool Escalated,
    [property: Id(15)] bool WaitingOnCustomer,
    [property: Id(16)] IReadOnlyList<SlaClockView> Sla,
    [property: Id(17)] IReadOnlyList<CaseMessage> Messages,
    [property: Id(18)] IReadOnlyList<CaseHistoryEntry> History,
    [property: Id(19)] DateTimeOffset CreatedAt,
    [property: Id(20)] DateTimeOffset? ResolvedAt,
    [property: Id(21)] DateTimeOffset UpdatedAt,
    [property: Id(22)] long Version);

[JsonConverter(typeof(JsonStringEnumConverter<SuggestionStatus>))]
[GenerateSerializer, Alias("Misty.SuggestionStatus")]
public enum SuggestionStatus
{
    [JsonStringEnumMemberName("proposed")] Proposed,
    [JsonStringEnumMemberName("accepted")] Accepted,
    [JsonStringEnumMemberName("edited")] Edited,
    [JsonStringEnumMemberName("dismissed")] Dismissed,
}

/// <summary>
/// What the triage proposes staff do next, and a reply they may send: a proposal that staff accept, edit or dismiss.
/// Confidences are percentages. <c>Citation</c> is the staff document passage the reply relies on, when one was found.
/// </summary>
[GenerateSerializer, Immutable, Alias("Misty.CaseSuggestion")]
public sealed record CaseSuggestion(
    [property: Id(0)] Guid SuggestionId,
    [property: Id(1)] string NextAction,
    [property: Id(2)] int NextActionConfidence,
    [property: Id(3)] string ReplyDraft,
    [property: Id(4)] int ReplyConfidence,
    [property: Id(5)] SuggestionStatus Status,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] Guid? ReviewedBy = null,
    [property: Id(8)] DateTimeOffset? ReviewedAt = null,
    [property: Id(9)] KnowledgeCitation? Citation = null);

/// <summary>What the triage of the latest customer message found. Confidences are percentages.</summary>
/// <param name="SentimentScore">The message's compound sentiment on 0..100 (50 is neutral).</param>
/// <param name="OrderNumber">The customer's order the message is about, when one could be told.</param>
[GenerateSerializer, Immutable, Alias("Misty.TriageSummary")]
public sealed record TriageSummary(
    [property: Id(0)] string Sentiment,
    [property: Id(1)] int SentimentScore,
    [property: Id(2)] int AiScore,
    [property: Id(3)] CaseCategory Category,
    [property: Id(4)] int CategoryConfidence,
    [property: Id(5)] CasePriority Priority,
    [property: Id(6)] int PriorityConfidence,
    [property: Id(7)] string PriorityReason,
    [property: Id(8)] string? OrderNumber);

[JsonConverter(typeof(JsonStringEnumConverter<SlaTarget>))]
[GenerateSerializer, Alias("Misty.SlaTarget")]
public enum SlaTarget
{
    [JsonStringEnumMemberName("first_response")] FirstResponse,
    [JsonStringEnumMemberName("resolution")] Resolution,
}

[JsonConverter(typeof(JsonStringEnumConverter<SlaOutcome>))]
[GenerateSerializer, Alias("Misty.SlaOutcome")]
public enum SlaOutcome
{
    [JsonStringEnumMemberName("hit")] Hit,
    [JsonStringEnumMemberName("missed")] Missed,
}

/// <summary>One SLA clock of a case, in business time.</summary>
/// <param name="Allowed">The target for the case's current priority.</param>
/// <param name="Used">Business time counted so far (paused time does not count).</param>
/// <param name="DueAt">When the target is missed if the clock keeps running; null while paused or stopped.</param>
/// <param name="Outcome">Hit or missed, once known.</param>
[GenerateSerializer, Immutable, Alias("Misty.SlaClockView")]
public sealed record SlaClockView(
    [property: Id(0)] SlaTarget Target,
    [property: Id(1)] TimeSpan Allowed,
    [property: Id(2)] TimeSpan Used,
    [property: Id(3)] DateTimeOffset? DueAt,
    [property: Id(4)] bool Paused,
    [property: Id(5)] bool Warned,
    [property: Id(6)] SlaOutcome? Outcome,
    [property: Id(7)] DateTimeOffset StartedAt,
    [property: Id(8)] DateTimeOffset? StoppedAt);

[JsonConverter(typeof(JsonStringEnumConverter<CaseHistoryKind>))]
[GenerateSerializer, Alias("Misty.CaseHistoryKind")]
public enum CaseHistoryKind
{
    [JsonStringEnumMemberName("opened")] Opened,
    [JsonStringEnumMemberName("assigned")] Assigned,
    [JsonStringEnumMemberName("status_changed")] StatusChanged,
    [JsonStringEnumMemberName("reopened")] Reopened,
    [JsonStringEnumMemberName("priority_changed")] PriorityChanged,
    [JsonStringEnumMemberName("category_changed")] CategoryChanged,
    [JsonStringEnumMemberName("sla_paused")] SlaPaused,
    [JsonStringEnumMemberName("sla_resumed")] SlaResumed,
    [JsonStringEnumMemberName("sla_warning")] SlaWarning,
    [JsonStringEnumMemberName("sla_hit")] SlaHit,
    [JsonStringEnumMemberName("sla_missed")] SlaMissed,
    [JsonStringEnumMemberName("escalated")] Escalated,
    [JsonStringEnumMemberName("suggestion_accepted")] SuggestionAccepted,
    [JsonStringEnumMemberName("suggestion_edited")] SuggestionEdited,
    [JsonStringEnumMemberName("suggestion_dismissed")] SuggestionDismissed,
}

/// <summary>One entry of a case's history (a case_events row): who changed what, when.</summary>
/// <param name="UserId">The staff member who did it; null for the customer or the system (triage, SLA, router).</param>
/// <param name="From">The value before, in the schema's spelling, where the entry is a change.</param>
/// <param name="To">The value after, likewise.</param>
/// <param name="Target">The SLA clock the entry is about, for SLA entries.</param>
[GenerateSerializer, Immutable, Alias("Misty.CaseHistoryEntry")]
public sealed record CaseHistoryEntry(
    [property: Id(0)] Guid EntryId,
    [property: Id(1)] CaseHistoryKind Kind,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] Guid? UserId,
    [property: Id(4)] string? From,
    [property: Id(5)] string? To,
    [property: Id(6)] SlaTarget? Target,
    [property: Id(7)] string Detail);
