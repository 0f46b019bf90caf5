using System.Globalization;
using Misty.Grains.Cases.Triage;
using Misty.Grains.Interfaces.Cases;

namespace Misty.Grains.Cases;

/// <summary>
/// The rules of one case, on its state: the conversation, status changes, assignment, SLA clocks, escalation and the
/// history that records each of them. Pure (no Orleans, no I/O): the grain fetches what the rules need (a case number,
/// the triage, the router's pick), opens a change with <see cref="Begin"/>, applies rules, and stores the result.
/// A change that alters anything adds one to the version, however many rules it ran.
/// </summary>
public sealed class CaseBook(CaseState state, ServiceLevelPolicy sla)
{
    private DateTimeOffset _now;
    private bool _changed;

    public CaseState State => state;

    public ServiceLevelPolicy Sla => sla;

    public bool IsOpen => state.Status is CaseStatus.Pending or CaseStatus.InProgress;

    /// <summary>Whether the change begun last altered anything (and so added one to the version).</summary>
    public bool HasChanged => _changed;

    /// <summary>An open case nobody handles: the grain asks the router for someone.</summary>
    public bool NeedsAssignee => state.Exists && IsOpen && state.AssignedTo is null;

    /// <summary>Starts a change at <paramref name="now"/>; everything until the next call is one version.</summary>
    public void Begin(DateTimeOffset now)
    {
        _now = now;
        _changed = false;
    }

    public void Open(OpenCaseRequest request, string caseNumber, TriageResult triage)
    {
        state.Exists = true;
        state.CaseNumber = caseNumber;
        state.CustomerId = request.CustomerId;
        state.Subject = request.Subject;
        state.Description = request.Description;
        state.Category = request.Category ?? triage.Category;
        state.Priority = state.SlaPriority = request.Priority ?? triage.Priority;
        state.Status = CaseStatus.Pending;
        state.CreatedAt = _now;
        state.OpeningMessageId = request.FirstMessageId;
        state.FirstResponse = ServiceLevelPolicy.Start(SlaTarget.FirstResponse, _now);
        state.Resolution = ServiceLevelPolicy.Start(SlaTarget.Resolution, _now);
        AddMessage(new CaseMessage(request.FirstMessageId, null, request.Description, false, true, _now));
        ApplyTriage(triage);
        var category = request.Category is null ? $"guessed {Name(state.Category)} ({triage.CategoryConfidence}%)" : $"{Name(state.Category)}";
        var priority = request.Priority is null ? $"proposed {Name(state.Priority)} ({triage.PriorityReason})" : $"{Name(state.Priority)}";
        Record(CaseHistoryKind.Opened, request.OpenedBy, null, Name(CaseStatus.Pending), null,
            $"Opened {(request.OpenedBy is null ? "by the customer" : "by staff for the customer")}: category {category}, priority {priority}.");
    }

    /// <summary>
    /// A message from the customer: triaged (mood, urgency, a new suggestion; a more urgent priority is taken), it resumes
    /// a clock paused while waiting on them, and reopens a resolved or closed case.
    /// </summary>
    public void AddCustomerMessage(CaseMessageRequest request, TriageResult triage)
    {
        if (HasMessage(request.MessageId))
        {
            return;
        }

        AddMessage(new CaseMessage(request.MessageId, null, request.Message, false, true, _now));
        ApplyTriage(triage);
        if (triage.Priority > state.Priority)
        {
            Record(CaseHistoryKind.PriorityChanged, null, Name(state.Priority), Name(triage.Priority), null,
                $"Raised by the triage: {triage.PriorityReason} ({triage.PriorityConfidence}%).");
            state.Priority = triage.Priority;
            state.SlaPriority = triage.Priority > state.SlaPriority ? triage.Priority : state.SlaPriority;
        }

        if (!IsOpen)
        {
            Reopen(null, "The customer replied.");
        }
        else if (state.WaitingOnCustomer)
        {
            state.WaitingOnCustomer = false;
            state.Resolution = ServiceLevelPolicy.Resume(state.Resolution!, _now);
            Record(CaseHistoryKind.SlaResumed, null, null, null, SlaTarget.Resolution, "The customer replied: the resolution clock runs again.");
        }
    }

    /// <summary>
    /// A staff reply the customer sees: it answers the first-response target, takes a pending case in progress, and
    /// (when the reply waits on the customer) pauses the resolution clock.
    /// </summary>
    public void AddReply(CaseMessageRequest request)
    {
        if (HasMessage(request.MessageId))
        {
            return;
        }

        AddMessage(new CaseMessage(request.MessageId, request.UserId, request.Message, false, false, _now));
        if (state.FirstResponse is { StoppedAt: null } firstResponse)
        {
            state.FirstResponse = StopClock(firstResponse);
        }

        if (state.Status == CaseStatus.Pending)
        {
            ChangeStatus(CaseStatus.InProgress, request.UserId, "First reply to the customer.");
        }

        if (request.WaitingOnCustomer && IsOpen && !state.WaitingOnCustomer)
        {
            state.WaitingOnCustomer = true;
            state.Resolution = sla.Pause(state.Resolution!, _now);
            Record(CaseHistoryKind.SlaPaused, request.UserId, null, null, SlaTarget.Resolution, "Waiting on the customer: the resolution clock is paused.");
        }
    }

    public void AddNote(CaseMessageRequest request)
    {
        if (!HasMessage(request.MessageId))
        {
            AddMessage(new CaseMessage(request.MessageId, request.UserId, request.Message, true, false, _now));
        }
    }

    /// <param name="how">How the assignee was chosen, for the history.</param>
    public void Assign(Guid userId, Guid? by, string how)
    {
        if (state.AssignedTo == userId)
        {
            return;
        }

        Record(CaseHistoryKind.Assigned, by, state.AssignedTo?.ToString(), userId.ToString(), null, how);
        state.AssignedTo = userId;
    }

    /// <summary>Applies a staff change of status, priority and category: all of it, or nothing when the status change is not allowed.</summary>
    public (CaseResult Result, string? Detail) Update(CaseUpdate update)
    {
        if (update.Status is { } status && Refusal(status) is { } refusal)
        {
            return (CaseResult.NotAllowed, refusal);
        }

        if (update.Category is { } category && category != state.Category)
        {
            Record(CaseHistoryKind.CategoryChanged, update.By, Name(state.Category), Name(category), null, "Changed by staff.");
            state.Category = category;
        }

        if (update.Priority is { } priority && priority != state.Priority)
        {
            Record(CaseHistoryKind.PriorityChanged, update.By, Name(state.Priority), Name(priority), null, "Changed by staff.");
            state.Priority = state.SlaPriority = priority;
        }

        switch (update.Status)
        {
            case CaseStatus.InProgress when state.Status == CaseStatus.Pending:
                ChangeStatus(CaseStatus.InProgress, update.By, "Taken in progress.");
                break;
            case CaseStatus.InProgress when !IsOpen:
                Reopen(update.By, "Reopened by staff.");
                break;
            case CaseStatus.Resolved when IsOpen:
                StopClocks();
                state.ResolvedAt = _now;
                ChangeStatus(CaseStatus.Resolved, update.By, "Resolved.");
                break;
            case CaseStatus.Closed when state.Status != CaseStatus.Closed:
                StopClocks();
                state.ResolvedAt ??= _now;
                ChangeStatus(CaseStatus.Closed, update.By, "Closed.");
                break;
        }

        return (CaseResult.Ok, null);
    }

    /// <summary>Staff accept the reply draft as it is, send an edited version, or dismiss the suggestion.</summary>
    public (CaseResult Result, string? Detail) ReviewSuggestion(SuggestionReview review)
    {
        if (state.Suggestion is not { Status: SuggestionStatus.Proposed } suggestion)
        {
            return (CaseResult.NotAllowed, "The case has no open suggestion.");
        }

        if (review.Decision == SuggestionDecision.Accept && string.IsNullOrWhiteSpace(suggestion.ReplyDraft))
        {
            return (CaseResult.NotAllowed, "The suggestion has no reply draft to send; edit or dismiss it.");
        }

        var (status, kind) = review.Decision switch
        {
            SuggestionDecision.Accept => (SuggestionStatus.Accepted, CaseHistoryKind.SuggestionAccepted),
            SuggestionDecision.Edit => (SuggestionStatus.Edited, CaseHistoryKind.SuggestionEdited),
            _ => (SuggestionStatus.Dismissed, CaseHistoryKind.SuggestionDismissed),
        };
        state.Suggestion = suggestion with { Status = status, ReviewedBy = review.By, ReviewedAt = _now };
        Record(kind, review.By, null, null, null, $"Suggestion {Name(status)}: {suggestion.NextAction}");
        if (review.Decision != SuggestionDecision.Dismiss)
        {
            var reply = review.Decision == SuggestionDecision.Accept ? suggestion.ReplyDraft : review.Reply!;
            AddReply(new CaseMessageRequest(review.MessageId, CaseMessageKind.Reply, reply, review.By, WaitingOnCustomer: true));
        }

        return (CaseResult.Ok, null);
    }

    /// <summary>
    /// Looks at the running SLA clocks: warns once a clock crosses the warning share of its target; on a breach records
    /// the target as missed and escalates (priority up a level, the case flagged). Returns whether it escalated.
    /// </summary>
    public bool CheckServiceLevels()
    {
        var escalated = false;
        state.FirstResponse = Check(state.FirstResponse, ref escalated);
        state.Resolution = Check(state.Resolution, ref escalated);
        return escalated;
    }

    /// <summary>When a running clock next needs a look (a warning or a due time); null when no clock runs.</summary>
    public DateTimeOffset? NextServiceLevelCheckpoint() =>
        new[] { state.FirstResponse, state.Resolution }
            .Where(clock => clock is not null)
            .Select(clock => sla.NextCheckpoint(clock!, state.SlaPriority))
            .Min();

    private SlaClock? Check(SlaClock? clock, ref bool escalated)
    {
        if (clock is null)
        {
            return null;
        }

        var (checkedClock, found) = sla.Check(clock, state.SlaPriority, _now);
        var allowed = Duration(sla.Allowed(clock.Target, state.SlaPriority));
        switch (found)
        {
            case SlaCheck.Warning:
                Record(CaseHistoryKind.SlaWarning, null, null, null, clock.Target,
                    $"{Target(clock.Target)} target of {allowed} is {Duration(sla.Used(clock, _now))} in; due {sla.DueAt(clock, state.SlaPriority):u}.");
                break;
            case SlaCheck.Breach:
                Record(CaseHistoryKind.SlaMissed, null, null, Name(SlaOutcome.Missed), clock.Target, $"{Target(clock.Target)} target of {allowed} missed.");
                Escalate(clock.Target);
                Telemetry.MistyMetrics.SlaBreach(clock.Target.ToString());
                escalated = true;
                break;
        }

        return checkedClock;
    }

    private void Escalate(SlaTarget target)
    {
        if (state.Priority < CasePriority.Critical)
        {
            Record(CaseHistoryKind.PriorityChanged, null, Name(state.Priority), Name(state.Priority + 1), target,
                $"Raised because the {Target(target).ToLowerInvariant()} target was missed.");
            state.Priority++;
        }

        state.Escalated = true;
        Record(CaseHistoryKind.Escalated, null, null, null, target, $"Escalated: the {Target(target).ToLowerInvariant()} target was missed.");
    }

    /// <summary>Why a case may not go to <paramref name="status"/> from where it is, or null when it may.</summary>
    public string? Refusal(CaseStatus status) => (state.Status, status) switch
    {
        var (from, to) when from == to => null,
        (_, CaseStatus.Pending) => "A case does not go back to pending; reassign it instead.",
        (CaseStatus.Closed, CaseStatus.Resolved) => "A closed case is reopened (in_progress) before it is resolved again.",
        _ => null,
    };

    private void Reopen(Guid? by, string why)
    {
        Record(CaseHistoryKind.Reopened, by, Name(state.Status), Name(CaseStatus.InProgress), null, why);
        state.Status = CaseStatus.InProgress;
        state.ResolvedAt = null;
        state.WaitingOnCustomer = false;
        // A reopened case gets a new resolution target; the earlier one stays in the history as hit or missed.
        state.Resolution = ServiceLevelPolicy.Start(SlaTarget.Resolution, _now);
    }

    private void ChangeStatus(CaseStatus status, Guid? by, string detail)
    {
        Record(CaseHistoryKind.StatusChanged, by, Name(state.Status), Name(status), null, detail);
        state.Status = status;
        if (status is CaseStatus.Resolved or CaseStatus.Closed)
        {
            state.WaitingOnCustomer = false;
        }
    }

    private void StopClocks()
    {
        state.FirstResponse = state.FirstResponse is { } firstResponse ? StopClock(firstResponse) : null;
        state.Resolution = state.Resolution is { } resolution ? StopClock(resolution) : null;
    }

    /// <summary>Stops a clock and records its outcome, unless a breach recorded it already.</summary>
    private SlaClock StopClock(SlaClock clock)
    {
        var stopped = sla.Stop(clock, state.SlaPriority, _now);
        if (clock.Outcome is null && stopped.Outcome is { } outcome)
        {
            Record(outcome == SlaOutcome.Hit ? CaseHistoryKind.SlaHit : CaseHistoryKind.SlaMissed, null, null, Name(outcome), clock.Target,
                $"{Target(clock.Target)} in {Duration(stopped.Used)} of {Duration(sla.Allowed(clock.Target, state.SlaPriority))}.");
        }

        return stopped;
    }

    private void ApplyTriage(TriageResult triage)
    {
        Changed();
        state.Triage = triage.Summary();
        state.AiSentiment = state.Triage.Sentiment;
        state.AiScore = triage.AiScore;
        var suggestion = triage.Suggestion;
        state.Suggestion = new CaseSuggestion(Guid.NewGuid(), suggestion.NextAction, suggestion.NextActionConfidence, suggestion.ReplyDraft,
            suggestion.ReplyConfidence, SuggestionStatus.Proposed, _now, Citation: suggestion.Citation);
    }

    private bool HasMessage(Guid messageId) => state.Messages.Exists(message => message.MessageId == messageId);

    private void AddMessage(CaseMessage message)
    {
        Changed();
        state.Messages.Add(message);
        state.UnprojectedMessages.Add(message.MessageId);
    }

    private void Record(CaseHistoryKind kind, Guid? by, string? from, string? to, SlaTarget? target, string detail)
    {
        Changed();
        var entry = new CaseHistoryEntry(Guid.NewGuid(), kind, _now, by, from, to, target, detail);
        state.History.Add(entry);
        state.UnprojectedHistory.Add(entry.EntryId);
    }

    private void Changed()
    {
        if (!_changed)
        {
            state.Version++;
            _changed = true;
        }

        state.UpdatedAt = _now;
    }

    private static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => SchemaNames.Of(value);

    private static string Target(SlaTarget target) => target == SlaTarget.FirstResponse ? "First response" : "Resolution";

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:D2}m")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m {span.Seconds:D2}s");
}
