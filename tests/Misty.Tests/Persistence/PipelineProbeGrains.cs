using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Orleans.Concurrency;

namespace Misty.Tests.Persistence;

/// <summary>Grains that persist through <see cref="StatePipeline{TState, TEvent}"/>, to test the pipeline on a real cluster.</summary>
public interface IPipelineProbeGrain : IGrainWithGuidKey
{
    /// <summary>Adds a note to the outbox and stores it as the next version; the call then stays busy for <paramref name="busyFor"/>.</summary>
    Task<long> ChangeAsync(string note, TimeSpan busyFor);

    Task<PipelineProbeState> GetAsync();
}

public interface IGroupCommitProbeGrain : IGrainWithGuidKey
{
    Task<long> ChangeAsync();
}

[GenerateSerializer, Alias("Misty.Tests.PipelineProbeState")]
public sealed class PipelineProbeState
{
    [Id(0)] public long Version { get; set; }
    [Id(1)] public List<string> Outbox { get; set; } = [];
}

/// <summary>Where the probes' rows and events land, with faults to switch on: the probes' stand-in for tables and streams.</summary>
public sealed class PipelineProbeRecorder
{
    public ConcurrentQueue<(Guid Grain, long Version, long StoredVersion)> Published { get; } = new();
    public ConcurrentDictionary<Guid, (long Version, List<string> Notes)> Rows { get; } = new();
    public ConcurrentDictionary<Guid, int> ProjectAttempts { get; } = new();
    public ConcurrentDictionary<Guid, int> Writes { get; } = new();
    /// <summary>Catch-ups that ran while one of the grain's requests was under way: must stay empty.</summary>
    public ConcurrentQueue<Guid> Interleaved { get; } = new();
    /// <summary>How many more projections fail.</summary>
    public int FailingProjections;
}

public sealed class PipelineProbeGrain(
    [PersistentState("pipeline-probe")] IPersistentState<PipelineProbeState> state,
    PipelineProbeRecorder recorder,
    ILogger<PipelineProbeGrain> logger) : Grain, IPipelineProbeGrain
{
    private StatePipeline<PipelineProbeState, long> _pipeline = null!;
    private bool _busy;

    private Guid Id => this.GetPrimaryKey();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = new StatePipeline<PipelineProbeState, long>(this, state.State, new()
        {
            Write = state.Writer(),
            Publish = versions =>
            {
                foreach (var version in versions)
                {
                    recorder.Published.Enqueue((Id, version, state.State.Version));
                }

                return Task.CompletedTask;
            },
            Version = stored => stored.Version,
            Project = ProjectAsync,
        }, logger, $"probe {Id}");
        if (state.RecordExists)
        {
            _pipeline.Resume();
        }

        return Task.CompletedTask;
    }

    public async Task<long> ChangeAsync(string note, TimeSpan busyFor)
    {
        _busy = true;
        try
        {
            _pipeline.Live.Version++;
            _pipeline.Live.Outbox.Add(note);
            _pipeline.Announce(_pipeline.Live.Version);
            await _pipeline.StoreAsync();
            await Task.Delay(busyFor);
            return _pipeline.Live.Version;
        }
        finally
        {
            _busy = false;
        }
    }

    public Task<PipelineProbeState> GetAsync() => Task.FromResult(_pipeline.Live);

    private Task ProjectAsync(PipelineProbeState stored, bool overwrite)
    {
        if (_busy)
        {
            recorder.Interleaved.Enqueue(Id);
        }

        recorder.ProjectAttempts.AddOrUpdate(Id, 1, (_, attempts) => attempts + 1);
        if (Interlocked.Decrement(ref recorder.FailingProjections) >= 0)
        {
            throw new InvalidOperationException("The probe's table is unavailable.");
        }

        recorder.Rows[Id] = (stored.Version, [.. stored.Outbox]);
        _pipeline.Live.Outbox.RemoveAll(stored.Outbox.Contains);
        return Task.CompletedTask;
    }
}

[Reentrant]
public sealed class GroupCommitProbeGrain(
    [PersistentState("group-commit-probe")] IPersistentState<PipelineProbeState> state,
    PipelineProbeRecorder recorder,
    ILogger<GroupCommitProbeGrain> logger) : Grain, IGroupCommitProbeGrain
{
    private StatePipeline<PipelineProbeState, long> _pipeline = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = new StatePipeline<PipelineProbeState, long>(this, state.State, new()
        {
            GroupCommit = true,
            Write = async copy =>
            {
                recorder.Writes.AddOrUpdate(this.GetPrimaryKey(), 1, (_, writes) => writes + 1);
                state.State = copy;
                await state.WriteStateAsync();
            },
        }, logger, "group commit probe");
        return Task.CompletedTask;
    }

    public async Task<long> ChangeAsync()
    {
        var version = ++_pipeline.Live.Version;
        await _pipeline.StoreAsync();
        return version;
    }
}
