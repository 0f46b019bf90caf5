using Misty.Grains.Interfaces.Cases;

namespace Misty.Grains.Cases;

/// <summary>How a case's state meets its readers and its rows: the view callers get, the cases row, and the state of a case that exists only as rows.</summary>
public static class CaseRows
{
    public static CaseView View(this CaseBook file, Guid caseId, bool includeInternal, DateTimeOffset now) => View(file.State, file.Sla, caseId, includeInternal, now);

    private static CaseView View(CaseState state, ServiceLevelPolicy sla, Guid caseId, bool includeInternal, DateTimeOffset now) => new(
        caseId,
        state.CaseNumber,
        state.CustomerId,
        state.Subject,
        state.Description,
        state.Category,
        state.Priority,
        state.Status,
        state.AssignedTo,
        state.AiSentiment,
        state.AiScore,
        AiSuggestionText(state.Suggestion),
        state.Suggestion,
        state.Triage,
        state.Escalated,
        state.WaitingOnCustomer,
        [.. new[] { state.FirstResponse, state.Resolution }.OfType<SlaClock>().Select(clock => ClockView(state, sla, clock, now))],
        [.. state.Messages.Where(message => includeInternal || !message.IsInternal)],
        [.. state.History],
        state.CreatedAt,
        state.ResolvedAt,
        state.UpdatedAt,
        state.Version);

    public static CaseRow Row(this CaseBook file, Guid caseId) => Row(file.State, file.Sla, caseId);

    private static CaseRow Row(CaseState state, ServiceLevelPolicy sla, Guid caseId) => new(
        caseId,
        state.CaseNumber,
        state.CustomerId,
        state.Subject,
        state.Description,
        state.Category,
        state.Priority,
        state.Status,
        state.AssignedTo,
        state.AiSentiment,
        state.AiScore,
        AiSuggestionText(state.Suggestion),
        state.Escalated,
        state.FirstResponse is { } firstResponse ? sla.DueAt(firstResponse, state.SlaPriority) : null,
        state.Resolution is { } resolution ? sla.DueAt(resolution, state.SlaPriority) : null,
        state.CreatedAt,
        state.ResolvedAt,
        state.UpdatedAt,
        state.Version);

    /// <summary>
    /// The state of a case that exists only as rows (seeded): its fields and conversation, with SLA clocks rebuilt from
    /// the conversation (the first staff reply answered the first response; resolution stopped when it was resolved).
    /// Nothing is recorded or escalated here: that waits for the case's first change.
    /// </summary>
    public static CaseState FromRows(StoredCase stored, ServiceLevelPolicy sla)
    {
        var row = stored.Row;
        var priority = row.Priority;
        var firstReply = stored.Messages.FirstOrDefault(message => !message.FromCustomer && !message.IsInternal);
        var firstResponse = ServiceLevelPolicy.Start(SlaTarget.FirstResponse, row.CreatedAt);
        var resolution = ServiceLevelPolicy.Start(SlaTarget.Resolution, row.CreatedAt);
        if (firstReply is not null)
        {
            firstResponse = sla.Stop(firstResponse, priority, firstReply.CreatedAt);
        }

        if (row.Status is CaseStatus.Resolved or CaseStatus.Closed)
        {
            var end = row.ResolvedAt ?? row.UpdatedAt;
            firstResponse = sla.Stop(firstResponse, priority, end);
            resolution = sla.Stop(resolution, priority, end);
        }

        return new CaseState
        {
            Exists = true,
            CaseNumber = row.CaseNumber,
            CustomerId = row.CustomerId,
            Subject = row.Subject,
            Description = row.Description,
            Category = row.Category,
            Priority = priority,
            SlaPriority = priority,
            Status = row.Status,
            AssignedTo = row.AssignedTo,
            AiSentiment = row.AiSentiment,
            AiScore = row.AiScore,
            // A seeded suggestion is a next action only, with no reply draft.
            Suggestion = row.AiSuggestion is { } text ? new CaseSuggestion(Guid.Empty, text, 0, "", 0, SuggestionStatus.Proposed, row.CreatedAt) : null,
            Escalated = row.Escalated,
            FirstResponse = firstResponse,
            Resolution = resolution,
            Messages = [.. stored.Messages],
            CreatedAt = row.CreatedAt,
            ResolvedAt = row.ResolvedAt,
            UpdatedAt = row.UpdatedAt,
            Version = row.Version,
            OpeningMessageId = stored.Messages.Count > 0 ? stored.Messages[0].MessageId : Guid.Empty,
        };
    }

    /// <summary>The cases.ai_suggestion text of an open suggestion: the next action, then the reply draft.</summary>
    public static string? AiSuggestionText(CaseSuggestion? suggestion) => suggestion switch
    {
        { Status: SuggestionStatus.Proposed, ReplyDraft: "" } => suggestion.NextAction,
        { Status: SuggestionStatus.Proposed } => $"{suggestion.NextAction}\n\nReply draft:\n{suggestion.ReplyDraft}",
        _ => null,
    };

    private static SlaClockView ClockView(CaseState state, ServiceLevelPolicy sla, SlaClock clock, DateTimeOffset now) => new(
        clock.Target,
        sla.Allowed(clock.Target, state.SlaPriority),
        sla.Used(clock, now),
        sla.DueAt(clock, state.SlaPriority),
        clock.RunningSince is null && clock.StoppedAt is null,
        clock.Warned,
        clock.Outcome,
        clock.StartedAt,
        clock.StoppedAt);
}
