using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Cases.Triage;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Knowledge;
using Misty.Grains.Knowledge;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;

namespace Misty.Grains.Cases;

/// <summary>
/// One customer-service case. Each call fetches what the rules need (customer and orders for the triage, a case number,
/// the router's pick), applies the rules of <see cref="CaseBook"/> in one turn, and stores the result before answering;
/// only then is CaseChanged published and the stored state projected to rows. A reminder wakes the grain when an SLA
/// clock is due for a warning or a breach, and survives restarts with the reminder table.
/// </summary>
[GrainType("case")]
public sealed class CaseGrain(
    [PersistentState(CaseGrain.StateName)] IPersistentState<CaseState> state,
    ICaseStore store,
    ServiceLevelPolicy sla,
    PolicyCitations citations,
    KnowledgeNotices knowledge,
    IOptions<CaseOptions> options,
    IOptions<ReminderOptions> reminderOptions,
    TimeProvider clock,
    ILogger<CaseGrain> logger) : Grain, ICaseGrain, IRemindable
{
    public const string StateName = "case";
    private const string SlaReminder = "sla";

    private StatePipeline<CaseState, CaseChanged> _pipeline = null!;
    private CaseBook _file = null!;
    /// <summary>Whether the SLA reminder is registered; null until this activation knows.</summary>
    private bool? _reminderSet;

    private Guid CaseId => this.GetPrimaryKey();

    private CaseState Live => _pipeline.Live;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var streams = this.GetStreamProvider(MistyStreams.Provider);
        var stream = streams.GetStream<CaseChanged>(StreamId.Create(MistyStreams.Cases, CaseId));
        var allCases = streams.GetStream<CaseChanged>(StreamId.Create(MistyStreams.Cases, MistyStreams.AllKey));
        _pipeline = new StatePipeline<CaseState, CaseChanged>(this, state.State, new()
        {
            Write = state.Writer(),
            Publish = async changes =>
            {
                foreach (var change in changes)
                {
                    await stream.OnNextAsync(change);
                    // Dashboards follow every case without subscribing to each one.
                    await allCases.OnNextAsync(change);
                }
            },
            // Set before the write, so that a stored running clock always has its reminder.
            BeforeWrite = ScheduleReminderAsync,
            Version = stored => stored.Version,
            Project = ProjectAsync,
        }, logger, $"case {CaseId}");
        if (!state.RecordExists && await store.LoadAsync(CaseId, cancellationToken) is { } stored)
        {
            // First activation of a case that exists only as rows (seeded): start from them.
            _pipeline.Live = CaseRows.FromRows(stored, sla);
        }

        _file = new CaseBook(Live, sla);
        if (state.RecordExists)
        {
            // A crash may have come between storing a change and projecting it; replaying is idempotent.
            _pipeline.Resume();
        }
    }

    public async Task<CaseOutcome> OpenAsync(OpenCaseRequest request)
    {
        _pipeline.ThrowIfFailed();
        if (Live.Exists)
        {
            return Live.OpeningMessageId == request.FirstMessageId ? Ok() : new CaseOutcome(CaseResult.AlreadyExists, null, "Another case has this id.");
        }

        if (await store.LoadCustomerAsync(request.CustomerId, CancellationToken.None) is not { } customer)
        {
            return new CaseOutcome(CaseResult.UnknownCustomer, null, $"There is no customer {request.CustomerId}.");
        }

        var now = clock.GetUtcNow();
        var triage = await citations.CiteAsync(
            CaseTriage.Assess(new TriageInput(request.Subject, request.Description, request.Category, customer, now)), $"{request.Subject}. {request.Description}");
        var number = await store.NextCaseNumberAsync(now, CancellationToken.None);
        var pick = await PickAsync(exclude: null);
        _file.Begin(now);
        _file.Open(request, number, triage);
        return await FinishAsync(pick);
    }

    public Task<CaseView?> GetAsync(bool includeInternal) =>
        Task.FromResult(Live.Exists ? _file.View(CaseId, includeInternal, clock.GetUtcNow()) : null);

    public async Task<CaseOutcome> AddMessageAsync(CaseMessageRequest request)
    {
        _pipeline.ThrowIfFailed();
        if (!Live.Exists)
        {
            return NotFound();
        }

        if (request.Kind != CaseMessageKind.Customer)
        {
            var pick = await PickIfUnassignedAsync(_file.IsOpen);
            _file.Begin(clock.GetUtcNow());
            if (request.Kind == CaseMessageKind.Reply)
            {
                _file.AddReply(request);
            }
            else
            {
                _file.AddNote(request);
            }

            return await FinishAsync(pick);
        }

        if (Live.Messages.Exists(message => message.MessageId == request.MessageId))
        {
            return Ok();
        }

        // A customer's message leaves the case open (it reopens a resolved one).
        var customer = await store.LoadCustomerAsync(Live.CustomerId, CancellationToken.None) ?? CustomerContext.Unknown;
        var triage = await citations.CiteAsync(CaseTriage.Assess(new TriageInput("", request.Message, Live.Category, customer, clock.GetUtcNow())), request.Message);
        var customerPick = await PickIfUnassignedAsync(openAfter: true);
        _file.Begin(clock.GetUtcNow());
        _file.AddCustomerMessage(request, triage);
        return await FinishAsync(customerPick);
    }

    public async Task<CaseOutcome> AssignAsync(CaseAssignment assignment)
    {
        _pipeline.ThrowIfFailed();
        if (!Live.Exists)
        {
            return NotFound();
        }

        if (assignment.AssignTo is { } userId)
        {
            if (!await store.IsAssignableAsync(userId, CancellationToken.None))
            {
                return new CaseOutcome(CaseResult.UnknownAssignee, null, $"User {userId} is not an active staff member or manager.");
            }

            _file.Begin(clock.GetUtcNow());
            _file.Assign(userId, assignment.By, Live.AssignedTo is null ? "Assigned by staff." : "Reassigned by staff.");
            return await FinishAsync(pick: null);
        }

        if (await PickAsync(exclude: Live.AssignedTo) is not { } pick)
        {
            return new CaseOutcome(CaseResult.NotAllowed, null, "Nobody else is available: every other active staff member is at capacity.");
        }

        _file.Begin(clock.GetUtcNow());
        _file.Assign(pick.UserId, assignment.By, How(pick));
        return await FinishAsync(pick: null);
    }

    public async Task<CaseOutcome> UpdateAsync(CaseUpdate update)
    {
        _pipeline.ThrowIfFailed();
        if (!Live.Exists)
        {
            return NotFound();
        }

        if (update.Status is { } status && _file.Refusal(status) is { } refusal)
        {
            return new CaseOutcome(CaseResult.NotAllowed, null, refusal);
        }

        var pick = await PickIfUnassignedAsync(update.Status is { } next ? next is CaseStatus.Pending or CaseStatus.InProgress : _file.IsOpen);
        _file.Begin(clock.GetUtcNow());
        _file.Update(update);
        return await FinishAsync(pick);
    }

    public async Task<CaseOutcome> ReviewSuggestionAsync(SuggestionReview review)
    {
        _pipeline.ThrowIfFailed();
        if (!Live.Exists)
        {
            return NotFound();
        }

        var pick = await PickIfUnassignedAsync(_file.IsOpen);
        _file.Begin(clock.GetUtcNow());
        var (result, detail) = _file.ReviewSuggestion(review);
        return result == CaseResult.Ok ? await FinishAsync(pick) : new CaseOutcome(result, null, detail);
    }

    public Task<bool> RebuildProjectionAsync() => _pipeline.RebuildAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SlaReminder && _pipeline.Failure is null)
        {
            await CheckServiceLevelsAsync();
        }
    }

    public async Task<bool> CheckServiceLevelsAsync()
    {
        _pipeline.ThrowIfFailed();
        var pick = Live.Exists ? await PickIfUnassignedAsync(_file.IsOpen) : null;
        _file.Begin(clock.GetUtcNow());
        if (_file.CheckServiceLevels())
        {
            logger.LogInformation("Case {CaseNumber} missed an SLA target and was escalated.", Live.CaseNumber);
        }

        if (_file.HasChanged || pick is not null)
        {
            await FinishAsync(pick);
            return true;
        }

        await ScheduleReminderAsync();
        return false;
    }

    /// <summary>
    /// Assigns the router's pick when the case still needs someone, then stores the change (if any), publishes it,
    /// projects it and sets the SLA reminder for the next checkpoint.
    /// </summary>
    private async Task<CaseOutcome> FinishAsync(StaffPick? pick)
    {
        if (pick is not null && _file.NeedsAssignee)
        {
            _file.Assign(pick.UserId, null, How(pick));
        }

        _file.CheckServiceLevels();
        if (!_file.HasChanged)
        {
            return Ok();
        }

        var before = _pipeline.Stored ?? new CaseState();
        _pipeline.Announce(new CaseChanged(CaseId, Live.CaseNumber, Live.Status, Live.Priority, Live.AiSentiment, Live.AssignedTo, Live.Version, Live.UpdatedAt));
        await _pipeline.StoreAsync();
        if ((before.AssignedTo, IsOpen(before)) != (Live.AssignedTo, _file.IsOpen) || pick is not null)
        {
            await ReportToRouterAsync();
        }

        return Ok();
    }

    /// <summary>Sets the reminder for the next warning or due time (no later than the check interval), or removes it when no clock runs.</summary>
    private async Task ScheduleReminderAsync()
    {
        if (_file.NextServiceLevelCheckpoint() is { } next)
        {
            var interval = options.Value.CheckInterval;
            var wait = next - clock.GetUtcNow();
            var due = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > interval ? interval : wait;
            var period = interval > reminderOptions.Value.MinimumReminderPeriod ? interval : reminderOptions.Value.MinimumReminderPeriod;
            await this.RegisterOrUpdateReminder(SlaReminder, due, period);
            _reminderSet = true;
        }
        else if (_reminderSet != false)
        {
            if (await this.GetReminder(SlaReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderSet = false;
        }
    }

    private async Task<StaffPick?> PickIfUnassignedAsync(bool openAfter) =>
        openAfter && Live.AssignedTo is null ? await PickAsync(exclude: null) : null;

    /// <summary>The router's pick; assignment is best effort, so a failing router leaves the case in the unassigned pool.</summary>
    private async Task<StaffPick?> PickAsync(Guid? exclude)
    {
        try
        {
            return await GrainFactory.GetGrain<ICaseRouterGrain>(0).PickAsync(CaseId, exclude);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Picking an assignee for case {CaseId} failed; it stays unassigned for now.", CaseId);
            return null;
        }
    }

    private async Task ReportToRouterAsync()
    {
        try
        {
            await GrainFactory.GetGrain<ICaseRouterGrain>(0).RecordAsync(CaseId, Live.AssignedTo, _file.IsOpen);
        }
        catch (Exception ex)
        {
            // The router also reads the rows, which catch up with this change shortly.
            logger.LogWarning(ex, "Reporting case {CaseId} to the router failed.", CaseId);
        }
    }

    /// <summary>Brings the rows up to a stored state: its outbox, or everything on a rebuild.</summary>
    private async Task ProjectAsync(CaseState stored, bool overwrite)
    {
        var projection = Projection(stored, everything: overwrite);
        await store.ProjectAsync(projection, overwrite, CancellationToken.None);
        // Resolved cases are indexed from their rows, and a reopened one leaves the index.
        await knowledge.ChangedAsync(KnowledgeKinds.Case, CaseId);
        // Projected entries leave the outbox with the next write; until then a replay is harmless.
        Live.UnprojectedMessages.RemoveAll(projection.Messages.Select(message => message.MessageId).ToHashSet().Contains);
        Live.UnprojectedHistory.RemoveAll(projection.History.Select(entry => entry.EntryId).ToHashSet().Contains);
    }

    /// <param name="everything">All messages and history (a rebuild), rather than only the outbox.</param>
    private CaseProjection Projection(CaseState stored, bool everything)
    {
        var row = new CaseBook(stored, sla).Row(CaseId);
        if (everything)
        {
            return new CaseProjection(row, stored.Messages, stored.History);
        }

        var messages = stored.UnprojectedMessages.ToHashSet();
        var history = stored.UnprojectedHistory.ToHashSet();
        return new CaseProjection(row, [.. stored.Messages.Where(message => messages.Contains(message.MessageId))],
            [.. stored.History.Where(entry => history.Contains(entry.EntryId))]);
    }

    private static bool IsOpen(CaseState stored) => stored.Exists && stored.Status is CaseStatus.Pending or CaseStatus.InProgress;

    private static string How(StaffPick pick) =>
        $"Assigned automatically: fewest open cases ({pick.OpenCases} of a capacity of {pick.Capacity}).";

    private CaseOutcome Ok() => new(CaseResult.Ok, _file.View(CaseId, includeInternal: true, clock.GetUtcNow()));

    private static CaseOutcome NotFound() => new(CaseResult.NotFound, null, "There is no such case.");
}
