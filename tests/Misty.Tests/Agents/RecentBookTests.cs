using Misty.Grains.Agents;
using Misty.Grains.Interfaces.Agents;

namespace Misty.Tests.Agents;

[Trait("Category", "Unit")]
public sealed class RecentBookTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Past_the_limit_the_oldest_records_go_and_the_rest_read_newest_first()
    {
        var calls = new List<AgentCallRecord>();
        var book = new RecentBook<AgentCallRecord>(calls, 3, call => call.At);

        foreach (var minute in new[] { 0, 1, 2, 3, 4 })
        {
            book.Record(Call(minute));
        }

        Assert.Equal([4, 3, 2], book.Newest().Select(call => (int)(call.At - Start).TotalMinutes));
        Assert.Equal(3, calls.Count);
    }

    [Fact]
    public void Records_at_the_same_time_read_the_later_recorded_first()
    {
        var book = new RecentBook<AgentCallRecord>([], 10, call => call.At);

        book.Record(Call(0, "first"));
        book.Record(Call(0, "second"));

        Assert.Equal(["second", "first"], book.Newest().Select(call => call.Tool));
    }

    [Fact]
    public void An_update_replaces_its_record_and_records_that_may_not_go_stay_past_the_limit()
    {
        var actions = new List<AgentActionView>();
        var book = new RecentBook<AgentActionView>(actions, 1, action => action.CreatedAt)
        {
            Same = (known, action) => known.ActionId == action.ActionId,
            Droppable = action => action.Status != AgentActionStatus.Pending,
        };
        var pending = Enumerable.Range(0, 3).Select(minute => Action(minute, AgentActionStatus.Pending)).ToList();
        pending.ForEach(book.Record);

        book.Record(pending[0] with { Status = AgentActionStatus.Approved });
        Assert.Equal(3, actions.Count);
        Assert.Equal(AgentActionStatus.Approved, Assert.Single(actions, action => action.ActionId == pending[0].ActionId).Status);

        // A second decided action: only one decided may stay, the older goes; the pending one stays however old.
        book.Record(pending[1] with { Status = AgentActionStatus.Rejected });
        Assert.Equal([pending[2].ActionId, pending[1].ActionId], book.Newest().Select(action => action.ActionId));
        Assert.Equal(AgentActionStatus.Rejected, actions.Single(action => action.ActionId == pending[1].ActionId).Status);
    }

    private static AgentCallRecord Call(int minute, string tool = "list_albums") =>
        new(Start.AddMinutes(minute), Guid.Empty, tool, "{}", "ok", 1, "mcp", null, null, null);

    private static AgentActionView Action(int minute, AgentActionStatus status) =>
        new(Guid.NewGuid(), Guid.Empty, "stock bot", "adjust_stock", "{}", "held", status, Start.AddMinutes(minute), Start.AddDays(1), null, null, null);
}
