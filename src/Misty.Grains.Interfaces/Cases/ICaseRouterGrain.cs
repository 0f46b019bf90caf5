namespace Misty.Grains.Interfaces.Cases;

/// <summary>
/// Picks who handles a case: the active staff member or manager with the fewest open cases, below their capacity,
/// round-robin among equals. One instance (key 0) serializes the picks of the whole cluster, so two cases opened at
/// the same moment do not both go to the same person.
/// </summary>
[Alias("Misty.ICaseRouterGrain")]
public interface ICaseRouterGrain : IGrainWithIntegerKey
{
    /// <param name="exclude">Someone not to pick (the current assignee, when reassigning).</param>
    /// <returns>The pick, or null when nobody is available (no staff, or everyone at capacity).</returns>
    [Alias("Pick")]
    Task<StaffPick?> PickAsync(Guid caseId, Guid? exclude);

    /// <summary>Tells the router a case's stored assignee and whether it is open, before the rows show it.</summary>
    [Alias("Record")]
    Task RecordAsync(Guid caseId, Guid? assignedTo, bool open);
}

/// <param name="OpenCases">The person's open cases before this one.</param>
[GenerateSerializer, Immutable, Alias("Misty.StaffPick")]
public sealed record StaffPick([property: Id(0)] Guid UserId, [property: Id(1)] int OpenCases, [property: Id(2)] int Capacity);
