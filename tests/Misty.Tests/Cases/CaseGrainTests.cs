using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Cases;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Orleans.Configuration;
using Orleans.Streams;

namespace Misty.Tests.Cases;

[Collection(PostgresCollection.Name)]
public sealed partial class CaseGrainTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Opening_numbers_assigns_triages_stores_projects_and_publishes_only_what_is_stored()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var customer = await CaseTestData.InsertCustomerAsync(connectionString, "Ada");
        await CaseTestData.InsertShippedOrderAsync(connectionString, customer, "ORD-260301-0042", "JD014600003828", DateTimeOffset.UtcNow.AddDays(-3));
        var busy = await CaseTestData.InsertStaffAsync(connectionString);
        var free = await CaseTestData.InsertStaffAsync(connectionString, "manager");
        await CaseTestData.InsertStaffAsync(connectionString, "admin");
        await CaseTestData.InsertSeededCaseAsync(connectionString, customer, busy, "CS-260301-001", DateTimeOffset.UtcNow.AddDays(-1));
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);

        var caseId = Guid.NewGuid();
        var perCase = new ConcurrentQueue<(CaseChanged Event, long StoredVersion)>();
        var allCases = new ConcurrentQueue<CaseChanged>();
        var streams = cluster.Client.GetStreamProvider(MistyStreams.Provider);
        var caseSubscription = await streams.GetStream<CaseChanged>(StreamId.Create(MistyStreams.Cases, caseId)).SubscribeAsync(async (change, _) =>
            perCase.Enqueue((change, await StoredVersionAsync(connectionString, change.CaseNumber))));
        var allSubscription = await streams.GetStream<CaseChanged>(StreamId.Create(MistyStreams.Cases, MistyStreams.AllKey)).SubscribeAsync((change, _) =>
        {
            allCases.Enqueue(change);
            return Task.CompletedTask;
        });

        var grain = cluster.Client.GetGrain<ICaseGrain>(caseId);
        var opened = await grain.OpenAsync(new OpenCaseRequest(customer, "Where is my parcel?",
            "Where is my order ORD-260301-0042? The tracking has not moved for days and I am getting really annoyed.", null, null, null, Guid.NewGuid()));
        Assert.Equal(CaseResult.Ok, opened.Result);
        var view = opened.Case!;
        Assert.Matches(CaseNumberPattern(), view.CaseNumber);
        Assert.Equal((CaseStatus.Pending, CaseCategory.OrderIssue, 1L), (view.Status, view.Category, view.Version));
        // The manager has no open case; the clerk has the seeded one; the admin does not take cases.
        Assert.Equal(free, view.AssignedTo);
        Assert.Equal("ORD-260301-0042", view.Triage?.OrderNumber);
        Assert.Contains("JD014600003828", view.AiSuggestion);

        await grain.AddMessageAsync(new CaseMessageRequest(Guid.NewGuid(), CaseMessageKind.Note, "Chasing DHL.", free, false));
        var replied = await grain.AddMessageAsync(new CaseMessageRequest(Guid.NewGuid(), CaseMessageKind.Reply, "It is on its way!", free, true));
        Assert.Equal((CaseStatus.InProgress, 3L), (replied.Case!.Status, replied.Case.Version));

        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString, "SELECT coalesce(max(version), 0) FROM cases WHERE case_id = @case", ("case", caseId)) == 3
            && await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM case_messages WHERE case_id = @case", ("case", caseId)) == 3));
        Assert.Equal(view.CaseNumber, await TestSql.ScalarAsync<string>(connectionString, "SELECT case_number FROM cases WHERE case_id = @case", ("case", caseId)));
        Assert.Equal(free, await TestSql.ScalarAsync<Guid>(connectionString, "SELECT assigned_to FROM cases WHERE case_id = @case", ("case", caseId)));
        Assert.Equal("in_progress", await TestSql.ScalarAsync<string>(connectionString, "SELECT status::text FROM cases WHERE case_id = @case", ("case", caseId)));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM case_messages WHERE case_id = @case AND is_internal AND user_id = @user", ("case", caseId), ("user", free)));
        var events = await TestSql.ScalarAsync<string>(connectionString,
            "SELECT string_agg(event_type, ',' ORDER BY created_at, event_type) FROM case_events WHERE case_id = @case", ("case", caseId));
        Assert.Equal("assigned,opened,sla_hit,sla_paused,status_changed", string.Join(',', events.Split(',').Order()));

        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(perCase.Count >= 3 && allCases.Count(change => change.CaseId == caseId) >= 3)));
        await caseSubscription.UnsubscribeAsync();
        await allSubscription.UnsubscribeAsync();
        Assert.Equal([1L, 2L, 3L], perCase.Select(entry => entry.Event.Version));
        // Each event went out after its version was in grain storage.
        Assert.All(perCase, entry => Assert.True(entry.StoredVersion >= entry.Event.Version, $"v{entry.Event.Version} published before it was stored"));
        var last = perCase.Last().Event;
        Assert.Equal((caseId, view.CaseNumber, CaseStatus.InProgress, free, "frustrated"), (last.CaseId, last.CaseNumber, last.Status, last.AssignedTo, last.Sentiment));
        Assert.Equal([1L, 2L, 3L], allCases.Where(change => change.CaseId == caseId).Select(change => change.Version));
    }

    [Fact]
    public async Task Cases_opened_at_once_on_two_silos_get_unique_numbers_and_an_even_share_of_the_staff()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var customer = await CaseTestData.InsertCustomerAsync(connectionString);
        var staff = new[]
        {
            await CaseTestData.InsertStaffAsync(connectionString), await CaseTestData.InsertStaffAsync(connectionString),
            await CaseTestData.InsertStaffAsync(connectionString, "manager"),
        };
        var full = await CaseTestData.InsertStaffAsync(connectionString, capacity: 0);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString, silos: 2);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => cluster.Client.GetGrain<ICaseGrain>(Guid.NewGuid())
            .OpenAsync(new OpenCaseRequest(customer, $"Question {i}", "Is the record in stock?", null, null, null, Guid.NewGuid()))));

        Assert.All(outcomes, outcome => Assert.Equal(CaseResult.Ok, outcome.Result));
        var numbers = outcomes.Select(outcome => outcome.Case!.CaseNumber).ToList();
        Assert.Equal(12, numbers.Distinct().Count());
        Assert.All(numbers, number => Assert.Matches(CaseNumberPattern(), number));
        var assignees = outcomes.Select(outcome => outcome.Case!.AssignedTo).ToList();
        Assert.All(assignees, assignee => Assert.NotNull(assignee));
        var shares = assignees.GroupBy(assignee => assignee!.Value).ToDictionary(group => group.Key, group => group.Count());
        Assert.Equal(staff.Order(), shares.Keys.Order());
        Assert.All(shares.Values, count => Assert.Equal(4, count));
        Assert.DoesNotContain(full, shares.Keys);
    }

    [Fact]
    public async Task An_SLA_breach_is_found_by_the_reminder_alone_escalated_and_found_after_the_silo_died()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var customer = await CaseTestData.InsertCustomerAsync(connectionString);
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 9, 9, 0, 0, TimeSpan.Zero));
        var caseId = Guid.NewGuid();

        await using (var first = await PostgresCluster.StartAsync(database, connectionString, configure: silo => ShortSla(silo, clock)))
        {
            var opened = await first.Client.GetGrain<ICaseGrain>(caseId)
                .OpenAsync(new OpenCaseRequest(customer, "Scratched", "The record is scratched.", null, CasePriority.High, null, Guid.NewGuid()));
            Assert.Equal(CaseResult.Ok, opened.Result);
            Assert.Equal(clock.GetUtcNow().AddMinutes(10), opened.Case!.Sla.Single(sla => sla.Target == SlaTarget.FirstResponse).DueAt);

            // Past the warning (75% of 10 minutes); nobody calls the grain: only its reminder can notice.
            clock.Advance(TimeSpan.FromMinutes(8));
            Assert.True(await TestAlbums.EventuallyAsync(async () => await EventCountAsync(connectionString, caseId, "sla_warning") == 1));
            Assert.Equal(0L, await EventCountAsync(connectionString, caseId, "sla_missed"));
            await first.KillSiloAsync(first.Silos[0]);
        }

        clock.Advance(TimeSpan.FromMinutes(3));
        await using var second = await PostgresCluster.StartAsync(database, connectionString, configure: silo => ShortSla(silo, clock));
        // Orleans' reminder service waits for each tick by the silo's clock, so time has to move on for the next one to come.
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(200));
            return await TestSql.ScalarAsync<bool>(connectionString, "SELECT escalated FROM cases WHERE case_id = @case", ("case", caseId));
        }, seconds: 30));

        Assert.Equal("critical", await TestSql.ScalarAsync<string>(connectionString, "SELECT priority::text FROM cases WHERE case_id = @case", ("case", caseId)));
        Assert.Equal(1L, await EventCountAsync(connectionString, caseId, "sla_missed"));
        Assert.Equal(1L, await EventCountAsync(connectionString, caseId, "escalated"));
        var view = (await second.Client.GetGrain<ICaseGrain>(caseId).GetAsync(includeInternal: true))!;
        Assert.Equal(SlaOutcome.Missed, view.Sla.Single(sla => sla.Target == SlaTarget.FirstResponse).Outcome);
        Assert.Equal([CaseHistoryKind.Opened, CaseHistoryKind.SlaWarning, CaseHistoryKind.SlaMissed, CaseHistoryKind.PriorityChanged, CaseHistoryKind.Escalated],
            view.History.Select(entry => entry.Kind));
        // Escalation raised the priority, not the resolution target measured since the case was opened.
        Assert.Equal(TimeSpan.FromHours(1), view.Sla.Single(sla => sla.Target == SlaTarget.Resolution).Allowed);
    }

    [Fact]
    public async Task A_case_that_exists_only_as_rows_starts_from_them_moves_them_forward_and_can_rebuild_them()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var customer = await CaseTestData.InsertCustomerAsync(connectionString);
        var clerk = await CaseTestData.InsertStaffAsync(connectionString);
        var caseId = await CaseTestData.InsertSeededCaseAsync(connectionString, customer, clerk, "CS-260301-007", DateTimeOffset.UtcNow.AddDays(-2));
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        var grain = cluster.Client.GetGrain<ICaseGrain>(caseId);

        var seeded = (await grain.GetAsync(includeInternal: true))!;
        Assert.Equal(("CS-260301-007", CaseStatus.InProgress, clerk, 0L, 2), (seeded.CaseNumber, seeded.Status, seeded.AssignedTo, seeded.Version, seeded.Messages.Count));
        Assert.Equal(SlaOutcome.Hit, seeded.Sla.Single(sla => sla.Target == SlaTarget.FirstResponse).Outcome);
        Assert.Equal("Apologise and send the right record.", seeded.AiSuggestion);

        var answered = await grain.AddMessageAsync(new CaseMessageRequest(Guid.NewGuid(), CaseMessageKind.Customer, "Thank you, it arrived and it is perfect!", null, false));
        Assert.Equal((1L, "happy"), (answered.Case!.Version, answered.Case.AiSentiment));
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString, "SELECT version FROM cases WHERE case_id = @case", ("case", caseId)) == 1
            && await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM case_messages WHERE case_id = @case", ("case", caseId)) == 3));
        Assert.Equal("happy", await TestSql.ScalarAsync<string>(connectionString, "SELECT ai_sentiment FROM cases WHERE case_id = @case", ("case", caseId)));

        // Rows damaged behind the grain's back come back from the stored state.
        await TestSql.ExecuteAsync(connectionString, "UPDATE cases SET subject = 'garbled', version = 99 WHERE case_id = @case", ("case", caseId));
        await TestSql.ExecuteAsync(connectionString, "DELETE FROM case_messages WHERE case_id = @case AND from_customer", ("case", caseId));
        var rebuilt = await cluster.Client.ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<ICaseGrain>(caseId).RebuildProjectionAsync();
        Assert.True(rebuilt);
        Assert.Equal(("Wrong record", 1L), (await TestSql.ScalarAsync<string>(connectionString, "SELECT subject FROM cases WHERE case_id = @case", ("case", caseId)),
            await TestSql.ScalarAsync<long>(connectionString, "SELECT version FROM cases WHERE case_id = @case", ("case", caseId))));
        Assert.Equal(3L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM case_messages WHERE case_id = @case", ("case", caseId)));
    }

    /// <summary>Around the clock, a 10-minute first response at high priority, and the SLA looked at every second.</summary>
    private static void ShortSla(ISiloBuilder silo, ManualClock clock)
    {
        silo.Services.AddSingleton<TimeProvider>(clock);
        silo.Services.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        silo.Services.Configure<CaseOptions>(cases =>
        {
            cases.CheckInterval = TimeSpan.FromSeconds(1);
            cases.BusinessHours = new BusinessHoursSettings
            {
                Days = "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
                Start = TimeSpan.Zero,
                End = TimeSpan.Zero,
            };
            cases.Sla.High = new SlaTargetSettings { FirstResponse = TimeSpan.FromMinutes(10), Resolution = TimeSpan.FromHours(1) };
        });
    }

    private static Task<long> EventCountAsync(string connectionString, Guid caseId, string eventType) =>
        TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM case_events WHERE case_id = @case AND event_type = @type",
            ("case", caseId), ("type", eventType));

    /// <summary>The version of the case's state in Orleans' storage table, as the JSON payload has it.</summary>
    private static async Task<long> StoredVersionAsync(string connectionString, string caseNumber) =>
        await TestSql.ScalarAsync<long>(connectionString,
            "SELECT coalesce(max((payloadjson ->> 'Version')::bigint), 0) FROM orleansstorage WHERE graintypestring = @state AND payloadjson ->> 'CaseNumber' = @number",
            ("state", CaseGrain.StateName), ("number", caseNumber));

    [GeneratedRegex(@"^CASE-\d{4}-\d{6}$")]
    private static partial Regex CaseNumberPattern();
}
