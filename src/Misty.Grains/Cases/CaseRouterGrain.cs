using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces.Cases;
using Orleans.Runtime;

namespace Misty.Grains.Cases;

[GenerateSerializer, Alias("Misty.CaseRouterState")]
public sealed class CaseRouterState
{
    /// <summary>When each staff member was last picked: the round-robin among equals, kept across restarts.</summary>
    [Id(0)] public Dictionary<Guid, DateTimeOffset> LastPicked { get; set; } = [];
}

/// <summary>
/// The one router of the cluster (key 0). Not reentrant, so picks happen one at a time: each sees the ones before it.
/// Workload comes from the rows, corrected by what case grains reported lately, because a row lags its grain a little.
/// </summary>
[GrainType("case-router")]
public sealed class CaseRouterGrain(
    [PersistentState("case-router")] IPersistentState<CaseRouterState> state,
    ICaseStore store,
    IOptions<CaseOptions> options,
    TimeProvider clock,
    ILogger<CaseRouterGrain> logger) : Grain, ICaseRouterGrain
{
    /// <summary>Far longer than a projection takes: by then the rows show what was reported.</summary>
    private static readonly TimeSpan ReportsKeptFor = TimeSpan.FromMinutes(10);

    private readonly Dictionary<Guid, (CaseLoad Load, DateTimeOffset At)> _reported = [];
    private StatePipeline<CaseRouterState, object> _pipeline = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = state.StoreOnly(this, logger, "the case router");
        return Task.CompletedTask;
    }

    public async Task<StaffPick?> PickAsync(Guid caseId, Guid? exclude)
    {
        var now = clock.GetUtcNow();
        foreach (var old in _reported.Where(entry => now - entry.Value.At > ReportsKeptFor).Select(entry => entry.Key).ToList())
        {
            _reported.Remove(old);
        }

        var workload = await store.LoadWorkloadAsync([.. _reported.Keys], options.Value.DefaultCapacity, CancellationToken.None);
        var staff = AssignmentPolicy.Current(workload, _reported.ToDictionary(entry => entry.Key, entry => entry.Value.Load));
        if (AssignmentPolicy.Pick(staff, _pipeline.Current.LastPicked, exclude) is not { } pick)
        {
            return null;
        }

        _pipeline.Live.LastPicked[pick.UserId] = now;
        await _pipeline.StoreAsync();
        _reported[caseId] = (new CaseLoad(pick.UserId, Open: true), now);
        return new StaffPick(pick.UserId, pick.OpenCases, pick.Capacity);
    }

    public Task RecordAsync(Guid caseId, Guid? assignedTo, bool open)
    {
        _reported[caseId] = (new CaseLoad(assignedTo, open), clock.GetUtcNow());
        return Task.CompletedTask;
    }
}
