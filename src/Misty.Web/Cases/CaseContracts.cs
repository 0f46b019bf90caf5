using System.ComponentModel.DataAnnotations;
using Misty.Grains.Interfaces.Cases;

namespace Misty.Web.Cases;

/// <param name="CustomerId">Whose case it is. A storefront names the customer it signed in; staff name any customer.</param>
/// <param name="Category">Optional: the triage guesses one when it is left out.</param>
/// <param name="Priority">Staff only: the triage proposes one when it is left out.</param>
public sealed record CreateCaseRequest(Guid? CustomerId, [property: Required] string? Subject, [property: Required] string? Description, string? Category, string? Priority);

/// <param name="IsInternal">Staff only: an internal note, never shown to the customer.</param>
/// <param name="CustomerId">For a storefront: the customer it writes for, who must own the case.</param>
/// <param name="WaitingOnCustomer">For a staff reply: whether the case now waits on the customer (pausing the resolution clock); default true.</param>
public sealed record AddCaseMessageRequest([property: Required] string? Message, bool? IsInternal, Guid? CustomerId, bool? WaitingOnCustomer);

/// <param name="AssignedTo">The staff member to assign.</param>
/// <param name="Automatic">True: let the router pick the active staff member with the fewest open cases (not the current one).</param>
public sealed record AssignCaseRequest(Guid? AssignedTo, bool? Automatic);

/// <summary>At least one field: the case's new status, priority or category.</summary>
public sealed record ChangeCaseRequest(string? Status, string? Priority, string? Category);

/// <param name="Action">accept (send the draft), edit (send <paramref name="Message"/> instead) or dismiss.</param>
public sealed record ReviewSuggestionRequest(string? Action, string? Message);

/// <summary>An email as the mail gateway hands it over.</summary>
/// <param name="From">The sender, "name &lt;address&gt;" or a bare address: the customer with that email.</param>
/// <param name="MessageId">The email's Message-ID header: a redelivered email is stored once.</param>
/// <param name="Text">The plain-text body; quoted earlier messages are cut off.</param>
public sealed record InboundEmailRequest(string? From, string? Subject, string? Text, string? MessageId);

/// <summary>A case as staff see it: everything, with the conversation (internal notes too), history and SLA clocks.</summary>
public sealed record CaseResponse(
    Guid CaseId,
    string CaseNumber,
    Guid CustomerId,
    string Subject,
    string? Description,
    CaseCategory Category,
    CasePriority Priority,
    CaseStatus Status,
    Guid? AssignedTo,
    string? AiSentiment,
    int? AiScore,
    string? AiSuggestion,
    CaseSuggestion? Suggestion,
    TriageSummary? Triage,
    bool Escalated,
    bool WaitingOnCustomer,
    IReadOnlyList<SlaResponse> Sla,
    IReadOnlyList<CaseMessage> Messages,
    IReadOnlyList<CaseHistoryEntry> History,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static CaseResponse From(CaseView view) => new(view.CaseId, view.CaseNumber, view.CustomerId, view.Subject, view.Description,
        view.Category, view.Priority, view.Status, view.AssignedTo, view.AiSentiment, view.AiScore, view.AiSuggestion, view.Suggestion,
        view.Triage, view.Escalated, view.WaitingOnCustomer, [.. view.Sla.Select(SlaResponse.From)], view.Messages, view.History,
        view.CreatedAt, view.ResolvedAt, view.UpdatedAt, view.Version);
}

/// <summary>One SLA clock, in seconds of business time.</summary>
public sealed record SlaResponse(
    SlaTarget Target, long AllowedSeconds, long UsedSeconds, DateTimeOffset? DueAt, bool Paused, bool Warned, SlaOutcome? Outcome,
    DateTimeOffset StartedAt, DateTimeOffset? StoppedAt)
{
    public static SlaResponse From(SlaClockView clock) => new(clock.Target, (long)clock.Allowed.TotalSeconds, (long)clock.Used.TotalSeconds,
        clock.DueAt, clock.Paused, clock.Warned, clock.Outcome, clock.StartedAt, clock.StoppedAt);
}

/// <summary>A case as its customer sees it: no internal notes, no staff, no AI fields, no priority.</summary>
public sealed record CustomerCaseResponse(
    Guid CaseId,
    string CaseNumber,
    Guid CustomerId,
    string Subject,
    string? Description,
    CaseCategory Category,
    CaseStatus Status,
    IReadOnlyList<CustomerMessageResponse> Messages,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <param name="view">The customer's view from the grain: internal notes are already left out.</param>
    public static CustomerCaseResponse From(CaseView view) => new(view.CaseId, view.CaseNumber, view.CustomerId, view.Subject, view.Description,
        view.Category, view.Status, [.. view.Messages.Where(message => !message.IsInternal).Select(CustomerMessageResponse.From)],
        view.CreatedAt, view.ResolvedAt, view.UpdatedAt, view.Version);
}

public sealed record CustomerMessageResponse(Guid MessageId, string Message, bool FromCustomer, DateTimeOffset CreatedAt)
{
    public static CustomerMessageResponse From(CaseMessage message) => new(message.MessageId, message.Message, message.FromCustomer, message.CreatedAt);
}

/// <summary>One case in a list, from the cases row (staff).</summary>
public sealed record CaseSummary(
    Guid CaseId,
    string CaseNumber,
    Guid CustomerId,
    string Subject,
    CaseCategory Category,
    CasePriority Priority,
    CaseStatus Status,
    Guid? AssignedTo,
    string? AiSentiment,
    int? AiScore,
    bool Escalated,
    DateTimeOffset? FirstResponseDueAt,
    DateTimeOffset? ResolutionDueAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>One case in a customer's list.</summary>
public sealed record CustomerCaseSummary(
    Guid CaseId, string CaseNumber, string Subject, CaseCategory Category, CaseStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt,
    DateTimeOffset UpdatedAt)
{
    public static CustomerCaseSummary From(CaseSummary summary) => new(summary.CaseId, summary.CaseNumber, summary.Subject, summary.Category,
        summary.Status, summary.CreatedAt, summary.ResolvedAt, summary.UpdatedAt);
}

public sealed record CasePage<TItem>(IReadOnlyList<TItem> Items, int Page, int PageSize, long Total);

/// <param name="AssignedTo">A staff member's cases; with <paramref name="Unassigned"/>, the cases nobody has.</param>
public sealed record CaseQuery(
    CaseStatus? Status, CasePriority? Priority, Guid? AssignedTo, bool Unassigned, Guid? CustomerId, int Page, int PageSize);
