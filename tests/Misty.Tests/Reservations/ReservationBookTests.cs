using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;

namespace Misty.Tests.Reservations;

[Trait("Category", "Unit")]
public sealed class ReservationBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid First = Guid.NewGuid();
    private static readonly Guid Second = Guid.NewGuid();

    private static ReservationBook Opened(bool albumHomed = false)
    {
        var book = new ReservationBook(new ReservationState());
        book.Open(new ReservationRequest([new ReservationLine(First, 2), new ReservationLine(Second, 1)], TimeSpan.FromMinutes(15), "key:test", "hash"), Now);
        book.State.AlbumHomed = albumHomed;
        return book;
    }

    [Fact]
    public void A_held_reservation_expires_when_its_time_is_up_and_can_be_committed_only_with_time_to_spare()
    {
        var book = Opened();

        Assert.Equal((true, ReservationStatus.Held, Now.AddMinutes(15)), (book.State.Exists, book.Status(Now), book.State.ExpiresAt));
        Assert.True(book.MustReassert(Now));
        Assert.True(book.CanCommit(Now.AddMinutes(14)));
        Assert.False(book.CanCommit(Now.AddMinutes(15) - ReservationBook.CommitMargin + TimeSpan.FromSeconds(1)));
        Assert.Equal(ReservationStatus.Expired, book.Status(Now.AddMinutes(15)));
        Assert.Equal(ReservationStatus.Expired, book.View(Guid.NewGuid(), Now.AddMinutes(16)).Status);

        book.Commit(Guid.Empty);
        Assert.Equal(ReservationStatus.Committed, book.Status(Now.AddHours(1)));
    }

    [Fact]
    public void A_release_stores_expired_or_released_once()
    {
        var book = Opened();
        Assert.True(book.Release(book.Status(Now)));
        Assert.Equal(ReservationStatus.Released, book.State.Status);
        Assert.False(book.Release(ReservationStatus.Released));

        var late = Opened();
        Assert.True(late.Release(late.Status(Now.AddHours(1))));
        Assert.Equal(ReservationStatus.Expired, late.State.Status);

        var homed = Opened(albumHomed: true);
        homed.Release(ReservationStatus.Held, albumSaysExpired: true);
        Assert.Equal(ReservationStatus.Expired, homed.State.Status);
    }

    [Fact]
    public void An_album_homed_record_follows_its_albums_hold()
    {
        var book = Opened(albumHomed: true);
        Assert.True(book.FollowsAlbum);
        Assert.False(book.MustReassert(Now));

        book.Follow(new HoldOutcome(HoldStatus.Held, 0, Now.AddMinutes(30)), Now);
        Assert.Equal((ReservationStatus.Held, Now.AddMinutes(30)), (book.State.Status, book.State.ExpiresAt));

        // A hold the album no longer knows ended: released before the expiry, expired after it.
        book.Follow(new HoldOutcome(HoldStatus.NotFound, 0, null), Now.AddMinutes(10));
        Assert.Equal(ReservationStatus.Released, book.State.Status);
        Assert.False(book.FollowsAlbum);

        var late = Opened(albumHomed: true);
        late.Follow(new HoldOutcome(HoldStatus.NotFound, 0, null), Now.AddMinutes(20));
        Assert.Equal(ReservationStatus.Expired, late.State.Status);

        var sold = Opened(albumHomed: true);
        sold.Follow(new HoldOutcome(HoldStatus.Committed, 0, null), Now);
        Assert.Equal(ReservationStatus.Committed, sold.State.Status);
    }

    [Fact]
    public void A_refusal_names_the_lines_that_fell_short_and_an_unknown_album_first()
    {
        var book = Opened();
        var shortage = book.Refused([new HoldOutcome(HoldStatus.Held, 5, Now.AddMinutes(15)), new HoldOutcome(HoldStatus.Insufficient, 0, null)]);
        Assert.Equal(ReservationResult.Insufficient, shortage.Result);
        Assert.Equal(new LineShortage(Second, 1, 0), Assert.Single(shortage.Shortages));

        var unknown = book.Refused([new HoldOutcome(HoldStatus.UnknownAlbum, 0, null), new HoldOutcome(HoldStatus.Insufficient, 0, null)]);
        Assert.Equal((ReservationResult.UnknownAlbum, 2), (unknown.Result, unknown.Shortages.Count));
    }

    [Fact]
    public void The_record_follows_the_earliest_hold_after_an_extension()
    {
        var book = Opened();
        book.HeldUntil([new HoldOutcome(HoldStatus.Held, 0, Now.AddMinutes(31)), new HoldOutcome(HoldStatus.Held, 0, Now.AddMinutes(30))], Now.AddMinutes(40));
        Assert.Equal(Now.AddMinutes(30), book.State.ExpiresAt);

        book.HeldUntil([new HoldOutcome(HoldStatus.Held, 0, null)], Now.AddMinutes(40));
        Assert.Equal(Now.AddMinutes(40), book.State.ExpiresAt);
    }
}
