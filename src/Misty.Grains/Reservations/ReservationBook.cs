using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;

namespace Misty.Grains.Reservations;

/// <summary>
/// The rules of one reservation record, without Orleans: how it opens, how its status reads at a given time (a held
/// reservation past its expiry has expired), how an album-homed one follows its album's hold, when it may still be
/// committed, and what a refused request answers. The grain asks the albums and stores what the rules changed.
/// </summary>
public sealed class ReservationBook(ReservationState state)
{
    /// <summary>A commit needs this much time left, so that no album's hold expires halfway through it.</summary>
    public static readonly TimeSpan CommitMargin = TimeSpan.FromSeconds(5);

    public ReservationState State => state;

    /// <summary>Holds the request's lines until <paramref name="now"/> plus its time to live.</summary>
    public void Open(ReservationRequest request, DateTimeOffset now)
    {
        state.Exists = true;
        state.Status = ReservationStatus.Held;
        state.Lines = [.. request.Lines];
        state.CreatedAt = now;
        state.ExpiresAt = now + request.Ttl;
        state.Caller = request.Caller;
        state.RequestHash = request.RequestHash;
    }

    /// <summary>The status as of <paramref name="now"/>: a reservation stored as held whose time is up has expired.</summary>
    public ReservationStatus Status(DateTimeOffset now) =>
        state.Status == ReservationStatus.Held && now >= state.ExpiresAt ? ReservationStatus.Expired : state.Status;

    /// <summary>Whether a retry of the reservation should assert its holds again (they may not have been stored).</summary>
    public bool MustReassert(DateTimeOffset now) => Status(now) == ReservationStatus.Held && !state.AlbumHomed;

    /// <summary>Whether it can be sold now: held, with time left for every album to commit its hold.</summary>
    public bool CanCommit(DateTimeOffset now) => Status(now) == ReservationStatus.Held && state.ExpiresAt - now >= CommitMargin;

    /// <summary>Whether the record says "held" while its album's hold tells the truth (see <see cref="Follow"/>).</summary>
    public bool FollowsAlbum => state.AlbumHomed && state.Status == ReservationStatus.Held;

    /// <summary>
    /// An album-homed record says "held" until a commit; the album's hold says how it really stands. A hold the album
    /// does not know has ended: released before its expiry, expired after it.
    /// </summary>
    public void Follow(HoldOutcome hold, DateTimeOffset now)
    {
        switch (hold.Status)
        {
            case HoldStatus.Held:
                state.ExpiresAt = hold.ExpiresAt!.Value;
                break;
            case HoldStatus.Committed:
                state.Status = ReservationStatus.Committed;
                break;
            case HoldStatus.Expired:
                state.Status = ReservationStatus.Expired;
                break;
            default:
                state.Status = now >= state.ExpiresAt ? ReservationStatus.Expired : ReservationStatus.Released;
                break;
        }
    }

    /// <summary>Ends the reservation by a release: expired if its time was up (or its album says so), released otherwise.</summary>
    /// <returns>Whether the stored status changes.</returns>
    public bool Release(ReservationStatus before, bool albumSaysExpired = false)
    {
        var ended = albumSaysExpired || before == ReservationStatus.Expired ? ReservationStatus.Expired : ReservationStatus.Released;
        var changed = state.Status != ended;
        state.Status = ended;
        return changed;
    }

    public void Expire() => state.Status = ReservationStatus.Expired;

    public void Commit(Guid? orderId)
    {
        state.Status = ReservationStatus.Committed;
        state.OrderId = orderId;
    }

    /// <summary>The holds made last: the record follows them (an album-homed hold ends on a whole second).</summary>
    public void HeldUntil(IEnumerable<HoldOutcome> holds, DateTimeOffset fallback) =>
        state.ExpiresAt = holds.Min(hold => hold.ExpiresAt) ?? fallback;

    /// <summary>The answer to a request whose lines were not all held: which lines fell short, and why.</summary>
    public ReservationOutcome Refused(IReadOnlyList<HoldOutcome> outcomes)
    {
        var shortages = state.Lines.Zip(outcomes)
            .Where(pair => pair.Second.Status != HoldStatus.Held)
            .Select(pair => new LineShortage(pair.First.AlbumId, pair.First.Quantity, pair.Second.Available))
            .ToList();
        var result = outcomes.Any(outcome => outcome.Status == HoldStatus.UnknownAlbum) ? ReservationResult.UnknownAlbum : ReservationResult.Insufficient;
        return new ReservationOutcome(result, null, shortages);
    }

    public ReservationView View(Guid reservationId, DateTimeOffset now) =>
        new(reservationId, Status(now), state.Lines, state.CreatedAt, state.ExpiresAt, state.Caller, state.OrderId);
}
