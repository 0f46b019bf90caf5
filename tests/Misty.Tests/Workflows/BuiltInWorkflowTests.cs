using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Inventory;
using Misty.Grains.Orders;
using Misty.Grains.Reservations;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Persistence;
using Misty.Tests.Cases;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Workflows;

[Collection(PostgresCollection.Name)]
public sealed class BuiltInWorkflowTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_case_sla_sweep_escalates_an_overdue_case_that_exists_only_as_rows_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var customer = await CaseTestData.InsertCustomerAsync(connectionString);
        var clerk = await CaseTestData.InsertStaffAsync(connectionString);
        // Answered within the hour a month ago, never resolved: the resolution target is long missed.
        var overdue = await CaseTestData.InsertSeededCaseAsync(connectionString, customer, clerk, "CS-261101-001", DateTimeOffset.UtcNow.AddDays(-30));
        var closed = await CaseTestData.InsertSeededCaseAsync(connectionString, customer, clerk, "CS-261101-002", DateTimeOffset.UtcNow.AddDays(-30));
        await TestSql.ExecuteAsync(connectionString, "UPDATE cases SET status = 'closed' WHERE case_id = @case", ("case", closed));
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, builtIns: true);
        var sweep = cluster.Client.GetGrain<IWorkflowGrain>(BuiltInWorkflows.CaseSlaSweep);

        var first = await RunAsync(cluster.Client, sweep);
        var second = await RunAsync(cluster.Client, sweep);

        Assert.Equal(ExecutionStatus.Complete, first.Status);
        Assert.Equal("{\"checkedCases\":1,\"changed\":1}", first.Steps.Single().Output);
        Assert.Equal("{\"checkedCases\":1,\"changed\":0}", second.Steps.Single().Output);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<bool>(connectionString, "SELECT escalated FROM cases WHERE case_id = @case", ("case", overdue))));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM case_events WHERE case_id = @case AND event_type = 'sla_missed'", ("case", overdue)));
        Assert.False(await TestSql.ScalarAsync<bool>(connectionString, "SELECT escalated FROM cases WHERE case_id = @case", ("case", closed)));
    }

    [Fact]
    public async Task The_segment_refresh_moves_a_lapsed_vip_out_of_the_vip_segment_and_keeps_the_history()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var lapsed = await CaseTestData.InsertCustomerAsync(connectionString, "Lapsed");
        // Seeded as a VIP two years ago, with no purchase on record since.
        await TestSql.ExecuteAsync(connectionString,
            """
            UPDATE customers SET status = 'vip', date_joined = now() - interval '2 years' WHERE customer_id = @customer;
            INSERT INTO customer_segments (customer_id, segment_type, segment_score, assigned_date)
            VALUES (@customer, 'vip_collector', 80, (now() - interval '2 years')::date);
            """, ("customer", lapsed));
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, builtIns: true);
        var refresh = cluster.Client.GetGrain<IWorkflowGrain>(BuiltInWorkflows.CustomerSegmentRefresh);

        var first = await RunAsync(cluster.Client, refresh);
        var second = await RunAsync(cluster.Client, refresh);

        Assert.Equal("{\"customers\":1,\"due\":1,\"changed\":1}", first.Steps.Single().Output);
        // Its rows may not show the change yet (they are projected just after), so it may be due again; it changes nothing.
        Assert.EndsWith(",\"changed\":0}", second.Steps.Single().Output, StringComparison.Ordinal);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<string>(connectionString, "SELECT status::text FROM customers WHERE customer_id = @customer", ("customer", lapsed)) == "inactive"));
        Assert.Equal("casual_buyer,vip_collector", await TestSql.ScalarAsync<string>(connectionString,
            "SELECT string_agg(segment_type::text, ',' ORDER BY segment_type::text) FROM customer_segments WHERE customer_id = @customer", ("customer", lapsed)));
    }

    [Fact]
    public async Task A_flagged_payment_starts_a_fraud_review_that_briefs_the_reviewer_in_the_case_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var customer = await CaseTestData.InsertCustomerAsync(connectionString, "Mallory");
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString, configure: silo =>
        {
            WorkflowCluster.Configure(silo.Services, builtIns: true);
            // Every payment is flagged: the test is about what follows a flag, not about the model.
            silo.Services.Configure<OrderOptions>(orders => orders.FraudThreshold = 0);
        });

        var orderId = Guid.NewGuid();
        var placed = await cluster.Client.GetGrain<IOrderGrain>(orderId).CreateAsync(new OrderDraft(customer, SalesChannel.Phone, null,
            [new OrderLineDraft(album, 2, 0)], "1 Elsewhere Road", PaymentMethod.Card, null, "user:test", "test-order"));
        Assert.Equal(OrderResult.Ok, placed.Result);
        Assert.True(placed.Order!.HeldForReview);
        var paymentId = placed.Order.Payments.Single().PaymentId;
        var caseId = OrderIds.FraudCaseFor(paymentId);

        const string BriefCount = "SELECT count(*) FROM case_messages WHERE case_id = @case AND is_internal AND message LIKE 'Review brief for order%'";
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<long>(connectionString, BriefCount, ("case", caseId)) == 1, seconds: 30));
        var brief = await TestSql.ScalarAsync<string>(connectionString,
            "SELECT message FROM case_messages WHERE case_id = @case AND message LIKE 'Review brief%'", ("case", caseId));
        Assert.Contains(placed.Order.OrderNumber, brief);
        Assert.Contains("Shipping to 1 Elsewhere Road", brief);
        Assert.Contains($"2 x album {album}", brief);

        // The same alert again (a retry, or a manual rerun) notes nothing twice; a decided order ends the run at once.
        var review = cluster.Client.GetGrain<IWorkflowGrain>(BuiltInWorkflows.FraudReview);
        var input = $$"""{"orderId":"{{orderId}}","paymentId":"{{paymentId}}"}""";
        var again = await RunAsync(cluster.Client, review, input);
        Assert.Equal(ExecutionStatus.Complete, again.Status);
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, BriefCount, ("case", caseId)));
        Assert.Equal(OrderResult.Ok, (await cluster.Client.GetGrain<IOrderGrain>(orderId).ReviewFraudAsync(approve: false, "user:manager")).Result);
        var decided = await RunAsync(cluster.Client, review, input);
        Assert.Equal([StepStatus.Done, StepStatus.Skipped], decided.Steps.Select(step => step.Status));
    }

    [Fact]
    public async Task Low_stock_queues_one_reorder_from_the_cheapest_supplier_and_a_rerun_orders_nothing_twice()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 5, reorderPoint: 2);
        var cheap = Guid.NewGuid();
        await TestSql.ExecuteAsync(connectionString,
            """
            INSERT INTO suppliers (supplier_id, name, reliability_score) VALUES (@cheap, 'Cheap Pressings', 90), (gen_random_uuid(), 'Dear Discs', 99);
            INSERT INTO supplier_pricing (supplier_id, album_id, unit_price) SELECT supplier_id, @album, CASE WHEN supplier_id = @cheap THEN 8 ELSE 11 END FROM suppliers;
            """, ("cheap", cheap), ("album", album));
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, builtIns: true);

        // Holding 4 of 5 leaves 1 available, under the reorder point of 2: the LowStock event starts the reorder.
        var held = await cluster.Client.GetGrain<IReservationGrain>(Guid.NewGuid())
            .CreateAsync(new ReservationRequest([new ReservationLine(album, 4)], TimeSpan.FromMinutes(10), "key:low-stock", "h"));
        Assert.Equal(ReservationResult.Ok, held.Result);
        const string Queued = "SELECT count(*) FROM reorder_queue WHERE album_id = @album";
        Assert.True(await TestAlbums.EventuallyAsync(async () => await TestSql.ScalarAsync<long>(connectionString, Queued, ("album", album)) == 1, seconds: 30));
        Assert.Equal((cheap, 9), (await TestSql.ScalarAsync<Guid>(connectionString, "SELECT supplier_id FROM reorder_queue WHERE album_id = @album", ("album", album)),
            await TestSql.ScalarAsync<int>(connectionString, "SELECT recommended_quantity FROM reorder_queue WHERE album_id = @album", ("album", album))));

        var rerun = await RunAsync(cluster.Client, cluster.Client.GetGrain<IWorkflowGrain>(BuiltInWorkflows.LowStockReorder), $$"""{"albumId":"{{album}}"}""");

        Assert.Equal(ExecutionStatus.Complete, rerun.Status);
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, Queued, ("album", album)));
    }

    [Fact]
    public async Task Retention_forgets_the_records_of_reservations_that_ended_a_week_ago_and_keeps_the_rest()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var (first, second) = (await TestAlbums.InsertAsync(connectionString, quantity: 5), await TestAlbums.InsertAsync(connectionString, quantity: 5));
        // The workflows' clock runs a week and an hour ahead: whatever expires within the hour is past retention.
        var clock = new ManualClock(DateTimeOffset.UtcNow + ReservationRecordRetentionPlan.Retention + TimeSpan.FromHours(1));
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, clock: clock, builtIns: true);
        var desk = cluster.Silos[0].SiloHost.Services.GetRequiredService<ReservationDesk>();
        var (released, held, severalReleased, severalUnswept, refused) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal(ReservationResult.Ok, (await desk.CreateAsync(released, Request(TimeSpan.FromMinutes(5), first))).Result);
        Assert.Equal(ReservationResult.Ok, (await desk.ReleaseAsync(released, RetentionCaller)).Result);
        Assert.Equal(ReservationResult.Ok, (await desk.CreateAsync(held, Request(TimeSpan.FromHours(2), first))).Result);
        var several = cluster.Client.GetGrain<IReservationGrain>(severalReleased);
        Assert.Equal(ReservationResult.Ok, (await several.CreateAsync(Request(TimeSpan.FromMinutes(5), first, second))).Result);
        Assert.Equal(ReservationResult.Ok, (await several.ReleaseAsync()).Result);
        // Its time runs out within the hour, but it is stored as held until the expiry sweep releases it.
        Assert.Equal(ReservationResult.Ok, (await cluster.Client.GetGrain<IReservationGrain>(severalUnswept).CreateAsync(Request(TimeSpan.FromMinutes(5), first, second))).Result);
        // Refused for want of stock: its record is emptied, and it holds and answers nothing.
        var tooMany = new ReservationRequest([new ReservationLine(first, 1), new ReservationLine(second, 50)], TimeSpan.FromHours(2), RetentionCaller, "hash-too-many");
        Assert.Equal(ReservationResult.Insufficient, (await cluster.Client.GetGrain<IReservationGrain>(refused).CreateAsync(tooMany)).Result);
        Assert.True(await RecordStoredAsync(connectionString, refused));
        Assert.True(await RecordStoredAsync(connectionString, released, AlbumHoldRow.StateName));
        var retention = cluster.Client.GetGrain<IWorkflowGrain>(BuiltInWorkflows.ReservationRecordRetention);

        var firstRun = await RunAsync(cluster.Client, retention);
        var secondRun = await RunAsync(cluster.Client, retention);

        Assert.Equal("{\"forgotten\":3}", firstRun.Steps.Single().Output);
        Assert.Equal("{\"forgotten\":0}", secondRun.Steps.Single().Output);
        var stored = await Task.WhenAll(new[] { released, held, severalReleased, severalUnswept, refused }.Select(id => RecordStoredAsync(connectionString, id)));
        Assert.Equal([false, true, false, true, false], stored);
        // The row saying how the album-homed hold ended goes with its record.
        Assert.False(await RecordStoredAsync(connectionString, released, AlbumHoldRow.StateName));
    }

    private const string RetentionCaller = "key:retention";

    private static ReservationRequest Request(TimeSpan ttl, params Guid[] albums) =>
        new([.. albums.Select(album => new ReservationLine(album, 1))], ttl, RetentionCaller, $"hash-{Guid.NewGuid():N}");

    private static async Task<bool> RecordStoredAsync(string connectionString, Guid reservationId, string stateName = ReservationState.StateName)
    {
        var key = BatchedGrainStorage.KeyOf(stateName, ReservationState.RecordId(reservationId));
        return await TestSql.ScalarAsync<bool>(connectionString,
            "SELECT EXISTS (SELECT 1 FROM orleansstorage WHERE graintypestring = @state AND grainidn0 = @n0 AND grainidn1 = @n1)",
            ("state", key.StateName), ("n0", key.N0), ("n1", key.N1));
    }

    private static async Task<ExecutionView> RunAsync(IGrainFactory grains, IWorkflowGrain workflow, string? input = null)
    {
        var started = await workflow.RunAsync(new RunRequest(WorkflowTriggerType.Manual, "user:test", input));
        return await WorkflowCluster.FinishedAsync(grains, started.ExecutionId!.Value);
    }
}
