using Misty.Grains.Cases;
using Misty.Grains.Cases.Triage;
using Misty.Grains.Interfaces.Cases;

namespace Misty.Tests.Cases;

[Trait("Category", "Unit")]
public sealed class CaseBookTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Customer = Guid.NewGuid();
    private static readonly Guid Clerk = Guid.NewGuid();

    /// <summary>Around the clock, so minutes count as they pass: first response 30 minutes, resolution 2 hours at medium.</summary>
    private static readonly ServiceLevelPolicy Sla = new(BusinessCalendar.AlwaysOpen, new Dictionary<CasePriority, SlaTargets>
    {
        [CasePriority.Critical] = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)),
        [CasePriority.High] = new(TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)),
        [CasePriority.Medium] = new(TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)),
        [CasePriority.Low] = new(TimeSpan.FromHours(1), TimeSpan.FromHours(4)),
    }, warningShare: 0.75);

    private DateTimeOffset _now = Start;
    private readonly CaseBook _file = new(new CaseState(), Sla);

    private CaseView View => _file.View(Guid.Empty, includeInternal: true, _now);

    private void At(TimeSpan sinceStart) => _file.Begin(_now = Start + sinceStart);

    private static TriageResult Triage(string message) =>
        CaseTriage.Assess(new TriageInput("", message, null, CustomerContext.Unknown, Start));

    private void Open(CasePriority priority = CasePriority.Medium)
    {
        At(TimeSpan.Zero);
        _file.Open(new OpenCaseRequest(Customer, "Cracked record", "My record arrived cracked.", CaseCategory.OrderIssue, priority, null, Guid.NewGuid()),
            "CASE-2026-000001", Triage("My record arrived cracked."));
    }

    private void Reply(TimeSpan at, bool waiting = true)
    {
        At(at);
        _file.AddReply(new CaseMessageRequest(Guid.NewGuid(), CaseMessageKind.Reply, "On it!", Clerk, waiting));
    }

    private void CustomerWrites(TimeSpan at, string message = "Any news?")
    {
        At(at);
        _file.AddCustomerMessage(new CaseMessageRequest(Guid.NewGuid(), CaseMessageKind.Customer, message, null, false), Triage(message));
    }

    private SlaClockView Clock(SlaTarget target) => View.Sla.Single(clock => clock.Target == target);

    private IEnumerable<CaseHistoryKind> History => _file.State.History.Select(entry => entry.Kind);

    [Fact]
    public void Opening_starts_both_clocks_records_the_customer_message_and_is_version_one()
    {
        Open();
        var view = View;
        Assert.Equal((CaseStatus.Pending, 1L), (view.Status, view.Version));
        var message = Assert.Single(view.Messages);
        Assert.True(message.FromCustomer);
        Assert.Equal(Start.AddMinutes(30), Clock(SlaTarget.FirstResponse).DueAt);
        Assert.Equal(Start.AddHours(2), Clock(SlaTarget.Resolution).DueAt);
        Assert.Equal([CaseHistoryKind.Opened], History);
        Assert.Equal(view.Messages.Select(m => m.MessageId), _file.State.UnprojectedMessages);
    }

    [Fact]
    public void A_reply_in_time_hits_the_first_response_takes_the_case_in_progress_and_pauses_resolution()
    {
        Open();
        Reply(TimeSpan.FromMinutes(10));
        var firstResponse = Clock(SlaTarget.FirstResponse);
        Assert.Equal(SlaOutcome.Hit, firstResponse.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(10), firstResponse.Used);
        Assert.Equal(CaseStatus.InProgress, View.Status);
        Assert.True(View.WaitingOnCustomer);
        Assert.True(Clock(SlaTarget.Resolution).Paused);
        Assert.Null(Clock(SlaTarget.Resolution).DueAt);
        Assert.Equal([CaseHistoryKind.Opened, CaseHistoryKind.SlaHit, CaseHistoryKind.StatusChanged, CaseHistoryKind.SlaPaused], History);
        Assert.Equal(2L, View.Version);
    }

    [Fact]
    public void Time_waiting_on_the_customer_does_not_count_towards_resolution()
    {
        Open();
        Reply(TimeSpan.FromMinutes(10));
        CustomerWrites(TimeSpan.FromHours(5));
        Assert.False(View.WaitingOnCustomer);
        // 10 minutes before the pause; 110 left from the customer's reply.
        Assert.Equal(Start.AddHours(5).AddMinutes(110), Clock(SlaTarget.Resolution).DueAt);
        At(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(20));
        _file.Update(new CaseUpdate(CaseStatus.Resolved, null, null, Clerk));
        var resolution = Clock(SlaTarget.Resolution);
        Assert.Equal((SlaOutcome.Hit, TimeSpan.FromMinutes(30)), (resolution.Outcome!.Value, resolution.Used));
        Assert.Equal(_now, View.ResolvedAt);
    }

    [Fact]
    public void A_reply_after_the_due_time_is_missed_even_without_a_check()
    {
        Open();
        Reply(TimeSpan.FromMinutes(31));
        Assert.Equal(SlaOutcome.Missed, Clock(SlaTarget.FirstResponse).Outcome);
        Assert.Contains(CaseHistoryKind.SlaMissed, History);
        Assert.DoesNotContain(CaseHistoryKind.Escalated, History);
    }

    [Fact]
    public void A_check_warns_once_then_finds_the_breach_escalates_once_and_keeps_the_miss()
    {
        Open();
        At(TimeSpan.FromMinutes(20));
        Assert.False(_file.CheckServiceLevels());
        Assert.DoesNotContain(CaseHistoryKind.SlaWarning, History);
        At(TimeSpan.FromMinutes(23));
        Assert.False(_file.CheckServiceLevels());
        At(TimeSpan.FromMinutes(24));
        Assert.False(_file.CheckServiceLevels());
        Assert.Single(History, kind => kind == CaseHistoryKind.SlaWarning);

        At(TimeSpan.FromMinutes(30));
        Assert.True(_file.CheckServiceLevels());
        Assert.Equal(CasePriority.High, View.Priority);
        Assert.True(View.Escalated);
        Assert.Equal(SlaOutcome.Missed, Clock(SlaTarget.FirstResponse).Outcome);
        // The escalation raises the priority, not the targets already running: resolution keeps its medium target.
        Assert.Equal(TimeSpan.FromHours(2), Clock(SlaTarget.Resolution).Allowed);

        At(TimeSpan.FromMinutes(40));
        Assert.False(_file.CheckServiceLevels());
        Reply(TimeSpan.FromMinutes(45));
        Assert.Single(History, kind => kind == CaseHistoryKind.SlaMissed);
        Assert.Single(History, kind => kind == CaseHistoryKind.Escalated);
    }

    [Fact]
    public void The_next_checkpoint_is_the_warning_then_the_due_time_then_nothing_while_paused()
    {
        Open();
        Assert.Equal(Start.AddMinutes(22.5), _file.NextServiceLevelCheckpoint());
        At(TimeSpan.FromMinutes(23));
        _file.CheckServiceLevels();
        Assert.Equal(Start.AddMinutes(30), _file.NextServiceLevelCheckpoint());
        Reply(TimeSpan.FromMinutes(25));
        Assert.Null(_file.NextServiceLevelCheckpoint());
    }

    [Fact]
    public void A_customer_reply_reopens_a_resolved_case_with_a_new_resolution_target()
    {
        Open();
        Reply(TimeSpan.FromMinutes(5));
        At(TimeSpan.FromMinutes(10));
        _file.Update(new CaseUpdate(CaseStatus.Resolved, null, null, Clerk));
        CustomerWrites(TimeSpan.FromDays(1), "It is still broken.");
        Assert.Equal(CaseStatus.InProgress, View.Status);
        Assert.Null(View.ResolvedAt);
        var resolution = Clock(SlaTarget.Resolution);
        Assert.Equal((Start.AddDays(1), (SlaOutcome?)null), (resolution.StartedAt, resolution.Outcome));
        Assert.Contains(CaseHistoryKind.Reopened, History);
        // The first response and the first resolution were hit, and stay so in the history.
        Assert.Equal(2, History.Count(kind => kind == CaseHistoryKind.SlaHit));
    }

    [Fact]
    public void Status_changes_that_make_no_sense_are_refused_and_change_nothing()
    {
        Open();
        At(TimeSpan.FromMinutes(1));
        _file.Update(new CaseUpdate(CaseStatus.Closed, null, null, Clerk));
        var version = View.Version;
        At(TimeSpan.FromMinutes(2));
        var (result, detail) = _file.Update(new CaseUpdate(CaseStatus.Resolved, CasePriority.Critical, null, Clerk));
        Assert.Equal(CaseResult.NotAllowed, result);
        Assert.Contains("reopened", detail);
        Assert.Equal((version, CasePriority.Medium), (View.Version, View.Priority));
        Assert.Equal(CaseResult.NotAllowed, _file.Update(new CaseUpdate(CaseStatus.Pending, null, null, Clerk)).Result);
        Assert.False(_file.HasChanged);
    }

    [Fact]
    public void Many_rules_in_one_change_add_one_to_the_version()
    {
        Open();
        At(TimeSpan.FromMinutes(1));
        _file.Update(new CaseUpdate(CaseStatus.InProgress, CasePriority.High, CaseCategory.Return, Clerk));
        _file.Assign(Clerk, Clerk, "By hand.");
        Assert.Equal(2L, View.Version);
        Assert.Equal([CaseHistoryKind.Opened, CaseHistoryKind.CategoryChanged, CaseHistoryKind.PriorityChanged, CaseHistoryKind.StatusChanged,
            CaseHistoryKind.Assigned], History);
    }

    [Fact]
    public void A_more_urgent_triage_raises_the_priority_and_its_targets()
    {
        Open(CasePriority.Low);
        CustomerWrites(TimeSpan.FromMinutes(5), "I was charged twice for this order!");
        Assert.Equal(CasePriority.Critical, View.Priority);
        Assert.Equal(TimeSpan.FromMinutes(5), Clock(SlaTarget.FirstResponse).Allowed);
        Assert.Equal("payment problem", View.Triage?.PriorityReason);
        CustomerWrites(TimeSpan.FromMinutes(6), "Thanks.");
        Assert.Equal(CasePriority.Critical, View.Priority);
    }

    [Fact]
    public void Accepting_the_suggestion_sends_its_draft_and_closes_it()
    {
        Open();
        var draft = View.Suggestion!.ReplyDraft;
        Assert.Contains(draft, View.AiSuggestion);
        At(TimeSpan.FromMinutes(3));
        Assert.Equal(CaseResult.Ok, _file.ReviewSuggestion(new SuggestionReview(SuggestionDecision.Accept, null, Clerk, Guid.NewGuid())).Result);
        var reply = View.Messages[^1];
        Assert.Equal((draft, (Guid?)Clerk, false), (reply.Message, reply.UserId, reply.FromCustomer));
        Assert.Equal(SuggestionStatus.Accepted, View.Suggestion!.Status);
        Assert.Null(View.AiSuggestion);
        Assert.Equal(SlaOutcome.Hit, Clock(SlaTarget.FirstResponse).Outcome);
        Assert.Equal(CaseResult.NotAllowed, _file.ReviewSuggestion(new SuggestionReview(SuggestionDecision.Dismiss, null, Clerk, Guid.NewGuid())).Result);
    }

    [Fact]
    public void Editing_sends_the_edited_reply_and_dismissing_sends_nothing()
    {
        Open();
        At(TimeSpan.FromMinutes(1));
        _file.ReviewSuggestion(new SuggestionReview(SuggestionDecision.Edit, "Hi! A new copy is on its way.", Clerk, Guid.NewGuid()));
        Assert.Equal("Hi! A new copy is on its way.", View.Messages[^1].Message);
        Assert.Equal(SuggestionStatus.Edited, View.Suggestion!.Status);

        CustomerWrites(TimeSpan.FromMinutes(2));
        At(TimeSpan.FromMinutes(3));
        var messages = View.Messages.Count;
        _file.ReviewSuggestion(new SuggestionReview(SuggestionDecision.Dismiss, null, Clerk, Guid.NewGuid()));
        Assert.Equal(messages, View.Messages.Count);
        Assert.Equal(SuggestionStatus.Dismissed, View.Suggestion!.Status);
    }

    [Fact]
    public void Internal_notes_are_left_out_of_the_customers_view_and_a_repeated_message_is_stored_once()
    {
        Open();
        var note = new CaseMessageRequest(Guid.NewGuid(), CaseMessageKind.Note, "Check the packing.", Clerk, false);
        At(TimeSpan.FromMinutes(1));
        _file.AddNote(note);
        At(TimeSpan.FromMinutes(2));
        _file.AddNote(note);
        Assert.False(_file.HasChanged);
        Assert.Equal(2, View.Messages.Count);
        Assert.Single(_file.View(Guid.Empty, includeInternal: false, _now).Messages);
    }

    [Fact]
    public void Seeded_rows_give_clocks_that_match_the_conversation()
    {
        var created = Start.AddDays(-3);
        var row = new CaseRow(Guid.NewGuid(), "CS-260307-001", Customer, "Question", "Is it in stock?", CaseCategory.ProductQuestion,
            CasePriority.Low, CaseStatus.Resolved, Clerk, "neutral", 20, "Answer from the catalogue.", false, null, null, created,
            created.AddHours(3), created.AddHours(3), 0);
        var messages = new List<CaseMessage>
        {
            new(Guid.NewGuid(), null, "Is it in stock?", false, true, created),
            new(Guid.NewGuid(), Clerk, "Yes!", false, false, created.AddMinutes(20)),
        };
        var state = CaseRows.FromRows(new StoredCase(row, messages), Sla);
        var file = new CaseBook(state, Sla);
        var view = file.View(row.CaseId, includeInternal: true, Start);
        Assert.Equal(SlaOutcome.Hit, view.Sla.Single(clock => clock.Target == SlaTarget.FirstResponse).Outcome);
        Assert.Equal(SlaOutcome.Hit, view.Sla.Single(clock => clock.Target == SlaTarget.Resolution).Outcome);
        Assert.Equal("Answer from the catalogue.", view.AiSuggestion);
        Assert.Empty(state.UnprojectedMessages);
        Assert.Null(file.NextServiceLevelCheckpoint());
        Assert.Equal(0L, view.Version);
    }
}
