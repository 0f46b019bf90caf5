using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Misty.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class ClusterOnPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Grain_state_survives_a_full_cluster_restart()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var key = Guid.NewGuid();

        await using (var first = await PostgresCluster.StartAsync(database, connectionString))
        {
            var counter = first.Client.GetGrain<ICounterProbeGrain>(key);
            await counter.IncrementAsync();
            Assert.Equal(2, await counter.IncrementAsync());
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(database, connectionString);
        Assert.Equal(2, await second.Client.GetGrain<ICounterProbeGrain>(key).GetAsync());
        Assert.Equal(3, await second.Client.GetGrain<ICounterProbeGrain>(key).IncrementAsync());

        // The state row is JSON that SQL users can read.
        await using var query = database.CreateCommand(
            "SELECT payloadjson ->> 'Count' FROM orleansstorage WHERE graintypestring = 'counter-probe'");
        Assert.Equal("3", await query.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Batched_storage_and_orleans_adonet_storage_read_and_write_the_same_rows()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var key = Guid.NewGuid();
        GrainId grainId;
        BatchedGrainStorage batched;

        await using (var first = await PostgresCluster.StartAsync(database, connectionString))
        {
            var counter = first.Client.GetGrain<ICounterProbeGrain>(key);
            Assert.Equal(1, await counter.IncrementAsync());
            grainId = counter.GetGrainId();
            batched = BatchedStorage(first, database);
            await first.StopAllSilosAsync();
        }

        // A row written by Orleans' provider is found under the same identity, version and payload.
        var state = new GrainState<CounterProbeState>();
        await batched.ReadStateAsync("counter-probe", grainId, state);
        Assert.True(state.RecordExists);
        Assert.NotNull(state.State);
        Assert.Equal((1, "1"), (state.State.Count, state.ETag));

        state.State.Count = 41;
        await batched.WriteStateAsync("counter-probe", grainId, state);
        Assert.Equal("2", state.ETag);
        var stale = new GrainState<CounterProbeState>(new CounterProbeState(), "1");
        await Assert.ThrowsAsync<InconsistentStateException>(() => batched.WriteStateAsync("counter-probe", grainId, stale));

        // And Orleans' provider reads what the batched one wrote, into the same single row.
        await using var second = await PostgresCluster.StartAsync(database, connectionString);
        Assert.Equal(42, await second.Client.GetGrain<ICounterProbeGrain>(key).IncrementAsync());
        await using var rows = database.CreateCommand("SELECT count(*) FROM orleansstorage WHERE graintypestring = 'counter-probe'");
        Assert.Equal(1L, await rows.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_state_and_the_new_rows_written_with_it_are_stored_together_or_not_at_all()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        var batched = BatchedStorage(cluster, database);
        var (owner, fresh, taken, refused) = (ProbeId(), ProbeId(), ProbeId(), ProbeId());
        await batched.WriteStateAsync("counter-probe", taken, new GrainState<CounterProbeState>(new CounterProbeState { Count = 7 }));

        var state = new GrainState<CounterProbeState>(new CounterProbeState { Count = 1 });
        var inserted = await batched.WriteStateWithNewRowsAsync("counter-probe", owner, state,
            [new NewRow<CounterProbeState>("counter-probe", fresh, new CounterProbeState { Count = 2 }), new NewRow<CounterProbeState>("counter-probe", taken, new CounterProbeState { Count = 3 })]);
        Assert.Equal([true, false], inserted);
        Assert.Equal("1", state.ETag);
        Assert.Equal((2, 7), (await StoredCountAsync(batched, fresh), await StoredCountAsync(batched, taken)));

        // A state whose version check fails takes its new rows down with it.
        var stale = new GrainState<CounterProbeState>(new CounterProbeState { Count = 9 }, "5");
        await Assert.ThrowsAsync<InconsistentStateException>(() => batched.WriteStateWithNewRowsAsync("counter-probe", owner, stale,
            [new NewRow<CounterProbeState>("counter-probe", refused, new CounterProbeState { Count = 4 })]));
        Assert.Null(await StoredCountAsync(batched, refused));
        Assert.Equal(1, await StoredCountAsync(batched, owner));
    }

    [Fact]
    public async Task A_key_twice_in_one_write_is_inserted_once_and_overwritten_by_the_last()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        var batched = BatchedStorage(cluster, database);
        var (owner, once, overwritten) = (ProbeId(), ProbeId(), ProbeId());

        var inserted = await batched.WriteStateWithNewRowsAsync("counter-probe", owner, new GrainState<CounterProbeState>(new CounterProbeState { Count = 1 }),
            [
                new NewRow<CounterProbeState>("counter-probe", once, new CounterProbeState { Count = 5 }),
                new NewRow<CounterProbeState>("counter-probe", once, new CounterProbeState { Count = 6 }),
                new NewRow<CounterProbeState>("counter-probe", overwritten, new CounterProbeState { Count = 8 }) { Overwrite = true },
                new NewRow<CounterProbeState>("counter-probe", overwritten, new CounterProbeState { Count = 9 }) { Overwrite = true },
            ]);

        Assert.Equal([true, false, true, true], inserted);
        Assert.Equal((5, 9), (await StoredCountAsync(batched, once), await StoredCountAsync(batched, overwritten)));
    }

    [Fact]
    public async Task Many_states_written_at_once_each_keep_their_own_version()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        var batched = BatchedStorage(cluster, database);
        var states = Enumerable.Range(0, 300).Select(i => (Id: ProbeId(), State: new GrainState<CounterProbeState>(new CounterProbeState { Count = i }))).ToList();
        await Task.WhenAll(states.Select(s => batched.WriteStateAsync("counter-probe", s.Id, s.State)));

        // Every second one is sent with a stale version: only those fail, and the rest of their flush is stored.
        var stale = states.Where((_, i) => i % 2 == 1).Select(s => new GrainState<CounterProbeState>(new CounterProbeState { Count = -1 }, "9")).ToList();
        var writes = states.Select((s, i) => i % 2 == 0
            ? batched.WriteStateAsync("counter-probe", s.Id, new GrainState<CounterProbeState>(new CounterProbeState { Count = i + 1000 }, s.State.ETag))
            : batched.WriteStateAsync("counter-probe", s.Id, stale[i / 2])).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async write =>
        {
            try
            {
                await write;
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Equal(states.Select((_, i) => i % 2 == 0), outcomes);
        Assert.Equal(1000, await StoredCountAsync(batched, states[0].Id));
        Assert.Equal(1, await StoredCountAsync(batched, states[1].Id));
        Assert.Equal(1298, await StoredCountAsync(batched, states[298].Id));
    }

    [Fact]
    public async Task A_reminder_registered_before_a_restart_fires_after_it()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var key = "reminder-" + Guid.NewGuid();
        // Short periods keep the test quick; production keeps Orleans' one-minute floor.
        static void FastReminders(ISiloBuilder silo) => silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));

        await using (var first = await PostgresCluster.StartAsync(database, connectionString, configure: FastReminders))
        {
            await first.Client.GetGrain<IReminderProbeGrain>(key).StartAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));
            Assert.Equal(0, await first.Client.GetGrain<IReminderProbeGrain>(key).TicksAsync());
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(database, connectionString, configure: FastReminders);
        var probe = second.Client.GetGrain<IReminderProbeGrain>(key);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await probe.TicksAsync() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.True(await probe.TicksAsync() > 0, "The reminder did not fire after the restart.");
        await probe.StopAsync();
    }

    [Fact]
    public async Task Two_silos_share_membership_through_postgres()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString, silos: 2);

        foreach (var silo in cluster.Silos)
        {
            var membership = silo.ServiceProvider.GetRequiredService<IClusterMembershipService>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) < 2 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Assert.Equal(2, membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));
        }

        await using var rows = database.CreateCommand(
            "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = 3");
        rows.Parameters.AddWithValue("cluster", cluster.Options.ClusterId);
        Assert.Equal(2L, await rows.ExecuteScalarAsync());

        // Grains placed on either silo answer the client: both silos serve the one cluster.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cluster.Client.GetGrain<ICounterProbeGrain>(Guid.NewGuid()).IncrementAsync()));
        Assert.All(answers, answer => Assert.Equal(1, answer));
    }

    private static BatchedGrainStorage BatchedStorage(InProcessTestCluster cluster, NpgsqlDataSource database)
    {
        var silo = ((InProcessSiloHandle)cluster.Silos[0]).ServiceProvider;
        return new BatchedGrainStorage(database, new JsonStateSerializer(), silo.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
    }

    private static GrainId ProbeId() => GrainId.Create(GrainType.Create("counter-probe"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid()));

    private static async Task<int?> StoredCountAsync(BatchedGrainStorage storage, GrainId grainId)
    {
        var state = new GrainState<CounterProbeState>();
        await storage.ReadStateAsync("counter-probe", grainId, state);
        return state.RecordExists ? state.State?.Count : null;
    }
}
