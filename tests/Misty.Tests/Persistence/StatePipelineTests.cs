using Microsoft.Extensions.DependencyInjection;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Misty.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class StatePipelineTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Events_go_out_once_in_order_after_their_store_and_rows_follow_between_requests()
    {
        var (cluster, recorder) = await StartAsync();
        await using var _ = cluster;
        var id = Guid.NewGuid();
        var probe = cluster.Client.GetGrain<IPipelineProbeGrain>(id);

        // Each call stays busy after its store: a catch-up that ran inside it would be seen.
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(i, await probe.ChangeAsync($"note {i}", TimeSpan.FromMilliseconds(150)));
        }

        var published = recorder.Published.Where(item => item.Grain == id).ToList();
        Assert.Equal([1L, 2L, 3L], published.Select(item => item.Version));
        Assert.All(published, item => Assert.True(item.StoredVersion >= item.Version, $"v{item.Version} went out before it was stored."));
        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(recorder.Rows.TryGetValue(id, out var row) && row.Version == 3)));
        Assert.True(await TestAlbums.EventuallyAsync(async () => (await probe.GetAsync()).Outbox.Count == 0));
        Assert.Empty(recorder.Interleaved);
    }

    [Fact]
    public async Task Failed_projections_are_retried_with_backoff_until_the_rows_are_written()
    {
        var (cluster, recorder) = await StartAsync();
        await using var _ = cluster;
        var id = Guid.NewGuid();
        var probe = cluster.Client.GetGrain<IPipelineProbeGrain>(id);
        recorder.FailingProjections = 3;

        await probe.ChangeAsync("kept until projected", TimeSpan.Zero);
        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(recorder.Rows.ContainsKey(id)), seconds: 20));
        Assert.Equal(1L, recorder.Rows[id].Version);
        Assert.Equal(["kept until projected"], recorder.Rows[id].Notes);
        Assert.Equal(4, recorder.ProjectAttempts[id]);
        // Projected entries leave the outbox; nothing is projected twice once the rows hold the stored version.
        Assert.True(await TestAlbums.EventuallyAsync(async () => (await probe.GetAsync()).Outbox.Count == 0));
        await Task.Delay(500);
        Assert.Equal(4, recorder.ProjectAttempts[id]);
    }

    [Fact]
    public async Task A_failed_write_fails_the_call_and_the_grain_reloads_what_storage_holds()
    {
        var (cluster, _) = await StartAsync();
        await using var __ = cluster;
        var id = Guid.NewGuid();
        var probe = cluster.Client.GetGrain<IPipelineProbeGrain>(id);
        await probe.ChangeAsync("first", TimeSpan.Zero);

        // Someone else stores the grain's row meanwhile: the grain's next write finds another version and fails.
        var storage = cluster.Storage();
        var grainId = GrainId.Create(GrainType.Create("pipeline-probe"), GrainIdKeyExtensions.CreateGuidKey(id));
        var row = new GrainState<PipelineProbeState>();
        await storage.ReadStateAsync("pipeline-probe", grainId, row);
        row.State!.Version = 41;
        await storage.WriteStateAsync("pipeline-probe", grainId, row);

        await Assert.ThrowsAnyAsync<Exception>(() => probe.ChangeAsync("lost", TimeSpan.Zero));
        // The failed activation is gone; the next one starts from what storage holds, not from the write that failed.
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
        {
            try
            {
                return (await probe.GetAsync()).Version == 41;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }));
        Assert.Equal(42, await probe.ChangeAsync("after the reload", TimeSpan.Zero));
    }

    [Fact]
    public async Task Concurrent_changes_of_a_reentrant_grain_share_writes_and_each_is_acknowledged_once_stored()
    {
        var (cluster, recorder) = await StartAsync();
        await using var _ = cluster;
        var id = Guid.NewGuid();
        var probe = cluster.Client.GetGrain<IGroupCommitProbeGrain>(id);

        var versions = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => probe.ChangeAsync()));
        Assert.Equal(Enumerable.Range(1, 40).Select(version => (long)version), versions.Order());
        Assert.InRange(recorder.Writes[id], 1, 39);

        var stored = new GrainState<PipelineProbeState>();
        await cluster.Storage().ReadStateAsync("group-commit-probe", GrainId.Create(GrainType.Create("group-commit-probe"), GrainIdKeyExtensions.CreateGuidKey(id)), stored);
        Assert.Equal(40, stored.State!.Version);
    }

    private async Task<(InProcessTestCluster Cluster, PipelineProbeRecorder Recorder)> StartAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var database = MistyDatabase.CreateDataSource(connectionString);
        var recorder = new PipelineProbeRecorder();
        var cluster = await PostgresCluster.StartAsync(database, connectionString, configure: silo => silo.Services.AddSingleton(recorder));
        return (cluster, recorder);
    }
}
