using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Inventory;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Inventory;

[Trait("Category", "Unit")]
public sealed class AlbumHoldsTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly InventoryState _state = new() { Exists = true, Quantity = 100 };

    [Fact]
    public void Memory_keeps_only_the_newest_stored_holds_and_the_index_still_counts_all()
    {
        var holds = new AlbumHolds(_state, _clock, openKept: 3);
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            holds.Add(id, 2, _clock.GetUtcNow().AddMinutes(15), tag: 1);
        }

        holds.ForgetStored(holds.Mark);

        Assert.Equal(3, holds.OpenInMemory);
        Assert.False(holds.Knows(ids[0]));
        Assert.False(holds.Knows(ids[1]));
        Assert.True(holds.Knows(ids[4]));
        Assert.Equal(10, holds.Reserved);
        Assert.Equal(5, holds.Open);
    }

    [Fact]
    public void Holds_not_yet_stored_are_never_let_go()
    {
        var holds = new AlbumHolds(_state, _clock, openKept: 1);
        var stored = holds.Mark;
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            holds.Add(id, 1, _clock.GetUtcNow().AddMinutes(15), tag: 1);
        }

        holds.ForgetStored(stored);

        Assert.All(ids, id => Assert.True(holds.Knows(id)));
    }

    [Fact]
    public void A_let_go_hold_loaded_from_its_rows_can_end_and_is_counted_once()
    {
        var holds = new AlbumHolds(_state, _clock, openKept: 1);
        var first = Guid.NewGuid();
        var expiresAt = AlbumHolds.RoundUp(_clock.GetUtcNow().AddMinutes(15));
        holds.Add(first, 4, expiresAt, tag: 7);
        holds.Add(Guid.NewGuid(), 1, expiresAt, tag: 8);
        holds.ForgetStored(holds.Mark);
        Assert.False(holds.Knows(first));

        holds.Load(first, new StoredHold(HoldStatus.Held, 4, expiresAt, 7));
        Assert.True(holds.IsOpen(first, out var loaded));
        Assert.Equal(4, loaded.Quantity);

        holds.Remove(first, HoldStatus.Released);
        Assert.Equal(1, holds.Reserved);
        Assert.Equal(HoldStatus.Released, holds.NotOpen(first));
    }

    [Fact]
    public void Expired_holds_leave_memory_once_stored_even_under_the_bound()
    {
        var holds = new AlbumHolds(_state, _clock);
        var id = Guid.NewGuid();
        holds.Add(id, 1, _clock.GetUtcNow().AddSeconds(30), tag: 1);
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, holds.ExpireDue());
        holds.ForgetStored(holds.Mark);

        Assert.Equal(0, holds.OpenInMemory);
        Assert.Equal(0, holds.Reserved);
        holds.Load(id, new StoredHold(HoldStatus.Held, 1, AlbumHolds.RoundUp(_clock.GetUtcNow().AddSeconds(-1)), 1));
        Assert.Equal(HoldStatus.Expired, holds.NotOpen(id));
    }

    [Fact]
    public void Holds_released_behind_a_long_one_do_not_pile_up()
    {
        var holds = new AlbumHolds(_state, _clock);
        holds.Add(Guid.NewGuid(), 1, _clock.GetUtcNow().AddHours(1), tag: 1);
        for (var i = 0; i < 10_000; i++)
        {
            var id = Guid.NewGuid();
            holds.Add(id, 1, _clock.GetUtcNow().AddMinutes(15), tag: 1);
            holds.Remove(id, HoldStatus.Released);
            holds.ForgetStored(holds.Mark);
        }

        Assert.Equal(1, holds.OpenInMemory);
        Assert.InRange(holds.OrderEntries, 1, 1_026);
        Assert.Equal(1, holds.Reserved);
    }
}
