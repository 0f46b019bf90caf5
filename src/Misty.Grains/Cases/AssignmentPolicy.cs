namespace Misty.Grains.Cases;

/// <summary>Who gets the next case: pure rules over the staff's workload, testable without Orleans or SQL.</summary>
public static class AssignmentPolicy
{
    /// <summary>
    /// The staff member with the fewest open cases, below their capacity; among equals the one picked longest ago (never
    /// picked counts as longest), so ties go round-robin; the user id breaks what is left, to stay deterministic.
    /// </summary>
    /// <returns>The pick, or null when everyone is at capacity (or excluded).</returns>
    public static StaffLoad? Pick(IEnumerable<StaffLoad> staff, IReadOnlyDictionary<Guid, DateTimeOffset> lastPicked, Guid? exclude) =>
        staff.Where(member => member.UserId != exclude && member.OpenCases < member.Capacity)
            .OrderBy(member => member.OpenCases)
            .ThenBy(member => lastPicked.TryGetValue(member.UserId, out var at) ? at : DateTimeOffset.MinValue)
            .ThenBy(member => member.UserId)
            .FirstOrDefault();

    /// <summary>
    /// The workload as it is now: the rows' open-case counts, corrected by what case grains reported since (assignments
    /// and closures that the rows may not show yet).
    /// </summary>
    public static IReadOnlyList<StaffLoad> Current(StaffWorkload workload, IReadOnlyDictionary<Guid, CaseLoad> reported)
    {
        var open = workload.Staff.ToDictionary(member => member.UserId, member => member.OpenCases);
        foreach (var (caseId, now) in reported)
        {
            if (workload.Cases.TryGetValue(caseId, out var row) && row is { Open: true, AssignedTo: { } before } && open.TryGetValue(before, out var count))
            {
                open[before] = count - 1;
            }

            if (now is { Open: true, AssignedTo: { } after } && open.TryGetValue(after, out var afterCount))
            {
                open[after] = afterCount + 1;
            }
        }

        return [.. workload.Staff.Select(member => member with { OpenCases = Math.Max(0, open[member.UserId]) })];
    }
}
