using System.Text.Json.Serialization;

namespace Misty.Grains.Interfaces.Cases;

/// <summary>One case_messages row: a customer's message, a staff reply, or an internal note (staff only).</summary>
/// <param name="UserId">The staff author; null for the customer.</param>
[GenerateSerializer, Immutable, Alias("Misty.CaseMessage")]
public sealed record CaseMessage(
    [property: Id(0)] Guid MessageId,
    [property: Id(1)] Guid? UserId,
    [property: Id(2)] string Message,
    [property: Id(3)] bool IsInternal,
    [property: Id(4)] bool FromCustomer,
    [property: Id(5)] DateTimeOffset CreatedAt);

[JsonConverter(typeof(JsonStringEnumConverter<CaseMessageKind>))]
[GenerateSerializer, Alias("Misty.CaseMessageKind")]
public enum CaseMessageKind
{
    /// <summary>From the customer: triaged, resumes a paused SLA clock, reopens a resolved or closed case.</summary>
    [JsonStringEnumMemberName("customer")] Customer,
    /// <summary>A staff reply the customer sees: answers the first-response target.</summary>
    [JsonStringEnumMemberName("reply")] Reply,
    /// <summary>An internal note: staff only, changes no clock.</summary>
    [JsonStringEnumMemberName("note")] Note,
}

/// <param name="MessageId">Chosen by the caller, so that a retried message (or a redelivered email) is stored once.</param>
/// <param name="UserId">The staff author of a reply or note; null for the customer.</param>
/// <param name="WaitingOnCustomer">For a reply: the case now waits on the customer, so its resolution clock pauses.</param>
[GenerateSerializer, Immutable, Alias("Misty.CaseMessageRequest")]
public sealed record CaseMessageRequest(
    [property: Id(0)] Guid MessageId,
    [property: Id(1)] CaseMessageKind Kind,
    [property: Id(2)] string Message,
    [property: Id(3)] Guid? UserId,
    [property: Id(4)] bool WaitingOnCustomer);

/// <param name="Category">Null: the triage's guess.</param>
/// <param name="Priority">Null: the triage's proposal.</param>
/// <param name="OpenedBy">The staff member who opened it for the customer; null for the customer (web form, email).</param>
/// <param name="FirstMessageId">The id of the customer's opening message (the description), so a retried open is recognised.</param>
[GenerateSerializer, Immutable, Alias("Misty.OpenCaseRequest")]
public sealed record OpenCaseRequest(
    [property: Id(0)] Guid CustomerId,
    [property: Id(1)] string Subject,
    [property: Id(2)] string Description,
    [property: Id(3)] CaseCategory? Category,
    [property: Id(4)] CasePriority? Priority,
    [property: Id(5)] Guid? OpenedBy,
    [property: Id(6)] Guid FirstMessageId);

/// <param name="AssignTo">The staff member to assign; null to let the router pick (fewest open cases).</param>
/// <param name="By">Who asked; null for the system.</param>
[GenerateSerializer, Immutable, Alias("Misty.CaseAssignment")]
public sealed record CaseAssignment([property: Id(0)] Guid? AssignTo, [property: Id(1)] Guid? By);

/// <summary>A staff change of the case's status, priority or category; null fields stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("Misty.CaseUpdate")]
public sealed record CaseUpdate(
    [property: Id(0)] CaseStatus? Status,
    [property: Id(1)] CasePriority? Priority,
    [property: Id(2)] CaseCategory? Category,
    [property: Id(3)] Guid? By);

[JsonConverter(typeof(JsonStringEnumConverter<SuggestionDecision>))]
[GenerateSerializer, Alias("Misty.SuggestionDecision")]
public enum SuggestionDecision
{
    /// <summary>Send the reply draft as it is.</summary>
    [JsonStringEnumMemberName("accept")] Accept,
    /// <summary>Send an edited version of the draft.</summary>
    [JsonStringEnumMemberName("edit")] Edit,
    [JsonStringEnumMemberName("dismiss")] Dismiss,
}

/// <param name="Reply">For <see cref="SuggestionDecision.Edit"/>: the reply as edited.</param>
/// <param name="MessageId">The id of the reply that accepting or editing sends.</param>
[GenerateSerializer, Immutable, Alias("Misty.SuggestionReview")]
public sealed record SuggestionReview(
    [property: Id(0)] SuggestionDecision Decision,
    [property: Id(1)] string? Reply,
    [property: Id(2)] Guid By,
    [property: Id(3)] Guid MessageId);

[GenerateSerializer, Alias("Misty.CaseResult")]
public enum CaseResult
{
    Ok,
    NotFound,
    /// <summary>The case id is taken by a different case.</summary>
    AlreadyExists,
    UnknownCustomer,
    /// <summary>Not an active staff member or manager.</summary>
    UnknownAssignee,
    /// <summary>The change is not allowed from the case's current state (e.g. closed to resolved).</summary>
    NotAllowed,
}

/// <param name="Detail">Why the change was refused, for the caller.</param>
[GenerateSerializer, Immutable, Alias("Misty.CaseOutcome")]
public sealed record CaseOutcome(
    [property: Id(0)] CaseResult Result,
    [property: Id(1)] CaseView? Case,
    [property: Id(2)] string? Detail = null);
