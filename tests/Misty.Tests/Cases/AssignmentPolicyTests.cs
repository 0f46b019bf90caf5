using Misty.Grains.Cases;

namespace Misty.Tests.Cases;

[Trait("Category", "Unit")]
public sealed class AssignmentPolicyTests
{
    private static readonly Guid Ann = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Bob = new("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Cy = new("00000000-0000-0000-0000-00000000000c");
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_fewest_open_cases_win()
    {
        var pick = AssignmentPolicy.Pick([new(Ann, 3, 10), new(Bob, 1, 10), new(Cy, 2, 10)], new Dictionary<Guid, DateTimeOffset>(), null);
        Assert.Equal(Bob, pick?.UserId);
    }

    [Fact]
    public void Ties_go_round_robin_by_who_was_picked_longest_ago()
    {
        var lastPicked = new Dictionary<Guid, DateTimeOffset>();
        var staff = new List<StaffLoad> { new(Ann, 0, 10), new(Bob, 0, 10), new(Cy, 0, 10) };
        var picks = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            // Everyone's load stays equal (each closes a case as they get one), so only the round-robin decides.
            var pick = AssignmentPolicy.Pick(staff, lastPicked, null)!;
            picks.Add(pick.UserId);
            lastPicked[pick.UserId] = Now.AddMinutes(i);
        }

        Assert.Equal([Ann, Bob, Cy, Ann, Bob, Cy], picks);
    }

    [Fact]
    public void Staff_at_capacity_and_the_excluded_are_passed_by()
    {
        var staff = new List<StaffLoad> { new(Ann, 2, 2), new(Bob, 5, 8), new(Cy, 0, 4) };
        Assert.Equal(Bob, AssignmentPolicy.Pick(staff, new Dictionary<Guid, DateTimeOffset>(), exclude: Cy)?.UserId);
        Assert.Null(AssignmentPolicy.Pick([new(Ann, 2, 2), new(Bob, 8, 8)], new Dictionary<Guid, DateTimeOffset>(), null));
    }

    [Fact]
    public void Reports_correct_the_rows_until_they_catch_up()
    {
        var caseMovedFromAnnToBob = Guid.NewGuid();
        var newCaseForCy = Guid.NewGuid();
        var closedCaseOfBob = Guid.NewGuid();
        var workload = new StaffWorkload(
            [new(Ann, 3, 10), new(Bob, 2, 10), new(Cy, 0, 10)],
            new Dictionary<Guid, CaseLoad>
            {
                [caseMovedFromAnnToBob] = new(Ann, true),
                [closedCaseOfBob] = new(Bob, true),
            });
        var reported = new Dictionary<Guid, CaseLoad>
        {
            [caseMovedFromAnnToBob] = new(Bob, true),
            [newCaseForCy] = new(Cy, true),
            [closedCaseOfBob] = new(Bob, false),
        };
        var current = AssignmentPolicy.Current(workload, reported).ToDictionary(member => member.UserId, member => member.OpenCases);
        Assert.Equal(2, current[Ann]);
        Assert.Equal(2, current[Bob]);
        Assert.Equal(1, current[Cy]);
    }
}
