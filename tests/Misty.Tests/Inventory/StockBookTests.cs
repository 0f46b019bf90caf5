using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Inventory;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Inventory;

[Trait("Category", "Unit")]
public sealed class StockBookTests
{
    private static readonly Guid Album = Guid.NewGuid();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private StockBook NewBook(int quantity) => new(new InventoryState { Exists = true, Sku = "SKU", Quantity = quantity, ReorderPoint = 2 }, _clock);

    [Fact]
    public void A_hold_never_takes_more_than_is_available()
    {
        var book = NewBook(3);
        Assert.Equal(HoldStatus.Held, book.Hold(Guid.NewGuid(), 2, _clock.GetUtcNow().AddMinutes(5)).Status);
        var refused = book.Hold(Guid.NewGuid(), 2, _clock.GetUtcNow().AddMinutes(5));
        Assert.Equal(HoldStatus.Insufficient, refused.Status);
        Assert.Equal(1, refused.Available);
        Assert.Equal(2, book.Reserved);
    }

    [Fact]
    public void An_expired_hold_stops_counting_before_any_sweep()
    {
        var book = NewBook(1);
        book.Hold(Guid.NewGuid(), 1, _clock.GetUtcNow().AddSeconds(10));
        Assert.Equal(0, book.Available);
        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, book.Available);
        Assert.Equal(HoldStatus.Held, book.Hold(Guid.NewGuid(), 1, _clock.GetUtcNow().AddSeconds(10)).Status);
    }

    [Fact]
    public void Retrying_a_hold_holds_once()
    {
        var book = NewBook(5);
        var reservation = Guid.NewGuid();
        var expires = _clock.GetUtcNow().AddMinutes(1);
        book.Hold(reservation, 2, expires);
        var version = book.State.Version;
        Assert.Equal(HoldStatus.Held, book.Hold(reservation, 2, expires).Status);
        Assert.Equal(2, book.Reserved);
        Assert.Equal(version, book.State.Version);
    }

    [Fact]
    public void Committing_a_hold_sells_it_into_the_ledger_and_a_retry_changes_nothing()
    {
        var book = NewBook(5);
        var reservation = Guid.NewGuid();
        book.Hold(reservation, 2, _clock.GetUtcNow().AddMinutes(1));
        Assert.Equal(HoldStatus.Committed, book.Commit(reservation, null, 20m).Status);
        Assert.Equal(3, book.State.Quantity);
        Assert.Equal(0, book.Reserved);
        var sale = Assert.Single(book.State.PendingLedger);
        Assert.Equal((StockChangeKind.Sale, -2), (sale.Kind, sale.QuantityChange));
        Assert.Equal(HoldStatus.Committed, book.Commit(reservation, null, 20m).Status);
        Assert.Equal(3, book.State.Quantity);
    }

    [Fact]
    public void An_adjustment_cannot_take_stock_below_what_is_held()
    {
        var book = NewBook(5);
        book.Hold(Guid.NewGuid(), 4, _clock.GetUtcNow().AddMinutes(1));
        var outcome = book.Change(Album, new StockChange(StockChangeKind.Adjustment, -2, null, "damaged", null, null));
        Assert.Equal(StockChangeStatus.WouldGoNegative, outcome.Status);
        Assert.Equal(5, book.State.Quantity);
        Assert.Empty(book.State.PendingLedger);
    }

    [Fact]
    public void Low_stock_is_announced_once_per_crossing()
    {
        var book = NewBook(5);
        book.Hold(Guid.NewGuid(), 2, _clock.GetUtcNow().AddMinutes(1));
        Assert.False(book.CrossedReorderPoint());
        book.Hold(Guid.NewGuid(), 1, _clock.GetUtcNow().AddMinutes(1));
        Assert.True(book.CrossedReorderPoint());
        book.Hold(Guid.NewGuid(), 1, _clock.GetUtcNow().AddMinutes(1));
        Assert.False(book.CrossedReorderPoint());
        book.Change(Album, new StockChange(StockChangeKind.Restock, 10, null, null, null, null));
        Assert.False(book.CrossedReorderPoint());
        book.Hold(Guid.NewGuid(), 10, _clock.GetUtcNow().AddMinutes(1));
        Assert.True(book.CrossedReorderPoint());
    }

    [Fact]
    public void Ended_holds_are_remembered_within_a_bound()
    {
        var book = NewBook(1_000);
        for (var i = 0; i < StockBook.EndedHoldsKept + 50; i++)
        {
            var reservation = Guid.NewGuid();
            book.Hold(reservation, 1, _clock.GetUtcNow().AddMinutes(1));
            book.Release(reservation);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(StockBook.EndedHoldsKept, book.State.Ended.Count);
    }

    [Fact]
    public void The_same_id_held_for_another_request_is_refused_and_changes_nothing()
    {
        var book = NewBook(5);
        var reservation = Guid.NewGuid();
        var expires = _clock.GetUtcNow().AddMinutes(5);
        Assert.Equal(HoldStatus.Held, book.Hold(reservation, 2, expires, tag: 7).Status);
        var version = book.State.Version;

        Assert.Equal(HoldStatus.Held, book.Hold(reservation, 2, expires, tag: 7).Status);
        Assert.Equal(HoldStatus.KeyReused, book.Hold(reservation, 3, expires, tag: 8).Status);
        Assert.Equal((2, version), (book.Reserved, book.State.Version));
    }

    [Fact]
    public void An_undone_hold_leaves_no_trace_so_its_retry_holds_afresh_but_another_requests_hold_stays()
    {
        var book = NewBook(5);
        var reservation = Guid.NewGuid();
        var expires = _clock.GetUtcNow().AddMinutes(5);
        book.Hold(reservation, 2, expires, tag: 7);

        Assert.Equal(HoldStatus.Held, book.Undo(reservation, tag: 8).Status);
        Assert.Equal(2, book.Reserved);
        Assert.Equal(HoldStatus.NotFound, book.Undo(reservation, tag: 7).Status);
        Assert.Equal((0, HoldStatus.NotFound), (book.Reserved, book.Peek(reservation).Status));
        Assert.Equal(HoldStatus.Held, book.Hold(reservation, 2, expires, tag: 7).Status);
    }

    [Fact]
    public void A_hold_whose_record_tells_its_end_is_forgotten_when_it_ends_and_other_holds_are_remembered()
    {
        var book = NewBook(5);
        var homed = Guid.NewGuid();
        var other = Guid.NewGuid();
        var expires = _clock.GetUtcNow().AddMinutes(5);
        book.Hold(homed, 1, expires, tag: 7, forgetWhenEnded: true);
        book.Hold(other, 1, expires, tag: 9);

        Assert.Equal(HoldStatus.Released, book.Release(homed).Status);
        Assert.Equal(HoldStatus.Released, book.Release(other).Status);
        // The homed hold's end is in memory and in its album-hold row, not in the stored state.
        Assert.Equal(HoldStatus.Released, book.Peek(homed).Status);
        Assert.Equal(HoldStatus.Released, book.Peek(other).Status);
        Assert.Equal([other], book.State.Ended.Keys);
        Assert.Equal(HoldStatus.Released, Assert.Single(book.Homed.TakeRows()).Row.Status);
    }
}
