using Misty.Grains.Interfaces.Inventory;

namespace Misty.Grains.Inventory;

/// <summary>
/// The holds of album-homed reservations, kept so that no change costs more with more holds open. The stored state has
/// only the expiry index (<see cref="InventoryState.Expiry"/>: units and holds per whole second of expiry); each hold's
/// detail lives in its reservation's insert-only record, and how it ended (or a new expiry) in its album-hold row
/// (<see cref="AlbumHoldRow"/>), each written in the same transaction as the index. This class keeps the holds this
/// activation knows in memory; a hold it does not know is loaded from those rows first (<see cref="Load"/>). Memory is
/// bounded too: beyond <see cref="OpenKept"/> open holds, the oldest stored ones are let go (and expired ones as soon as
/// they are stored), so a flash sale's million buyers cost the album a million rows, not a million entries in memory.
/// </summary>
/// <param name="openKept">How many stored open holds memory keeps; see <see cref="OpenKept"/>.</param>
public sealed class AlbumHolds(InventoryState state, TimeProvider clock, int openKept = AlbumHolds.OpenKept)
{
    /// <summary>How many ended holds stay in memory once their end is stored; a later question reads the rows.</summary>
    public const int EndedKept = 4_096;

    /// <summary>How many open holds stay in memory once stored; a release or commit of an older one reads its rows.</summary>
    public const int OpenKept = 100_000;

    private readonly Dictionary<Guid, (OpenHold Hold, long Sequence)> _open = [];
    /// <summary>Holds in the order memory took them in; an entry whose hold ended or moved since is skipped.</summary>
    private readonly Queue<(long Sequence, Guid ReservationId)> _openOrder = new();
    private long _openSequence;
    private readonly Dictionary<Guid, HoldStatus> _ended = [];
    private readonly Queue<(long Sequence, Guid ReservationId)> _endedOrder = new();
    private long _endSequence;
    private List<(Guid ReservationId, AlbumHoldRow Row)> _rows = [];

    /// <summary>Changes made so far; a write that began at this mark stores every hold, end and move before it.</summary>
    public (long Ends, long Opens) Mark => (_endSequence, _openSequence);

    public int OpenInMemory => _open.Count;

    /// <summary>Entries of the order in which memory lets holds go, stale ones included.</summary>
    public int OrderEntries => _openOrder.Count;

    /// <summary>Open holds, expired ones included until their second is swept: from the index, so loaded or not.</summary>
    public int Open => state.Expiry.Sum(bucket => bucket.Holds);

    /// <summary>Units of unexpired holds: the index total less the few buckets that are due but not yet swept.</summary>
    public int Reserved
    {
        get
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var reserved = 0;
            foreach (var bucket in state.Expiry)
            {
                if (bucket.At * 1000 > now)
                {
                    reserved += bucket.Units;
                }
            }

            return reserved;
        }
    }

    /// <summary>Holds are whole seconds long at the end: the index is then exact, and a hold lasts at least its TTL.</summary>
    public static DateTimeOffset RoundUp(DateTimeOffset expiresAt) =>
        DateTimeOffset.FromUnixTimeSeconds((expiresAt.ToUnixTimeMilliseconds() + 999) / 1000);

    /// <summary>Whether this id's hold must be loaded before it can be changed or told: memory knows nothing of it.</summary>
    public bool Knows(Guid reservationId) => _open.ContainsKey(reservationId) || _ended.ContainsKey(reservationId);

    /// <summary>What a hold's rows said, taken in unless memory learned of the hold meanwhile.</summary>
    public void Load(Guid reservationId, StoredHold? stored)
    {
        if (Knows(reservationId) || stored is null)
        {
            return;
        }

        if (stored.Status != HoldStatus.Held)
        {
            Remember(reservationId, stored.Status);
        }
        else if (stored.ExpiresAt > clock.GetUtcNow())
        {
            Track(reservationId, new OpenHold(stored.Quantity, stored.ExpiresAt.ToUnixTimeSeconds(), stored.Tag));
        }
        else
        {
            Remember(reservationId, HoldStatus.Expired);
        }
    }

    /// <summary>How a hold that is not open stands: expired, how it ended, or null when memory does not know it.</summary>
    public HoldStatus? NotOpen(Guid reservationId) =>
        _open.ContainsKey(reservationId) ? HoldStatus.Expired
        : _ended.TryGetValue(reservationId, out var ended) ? ended
        : null;

    public bool IsOpen(Guid reservationId, out OpenHold hold) =>
        Tracks(reservationId, out hold) && hold.ExpiresAt > clock.GetUtcNow();

    /// <summary>A hold in memory, expired or not.</summary>
    public bool Tracks(Guid reservationId, out OpenHold hold)
    {
        var found = _open.TryGetValue(reservationId, out var entry);
        hold = entry.Hold;
        return found;
    }

    /// <summary>
    /// Album-hold rows changed since the last write began (an end, or a new expiry): the next write stores them with the
    /// index that counts them, so a reload finds each hold as the index does.
    /// </summary>
    public List<(Guid ReservationId, AlbumHoldRow Row)> TakeRows()
    {
        var rows = _rows;
        _rows = [];
        return rows;
    }

    public void Add(Guid reservationId, int quantity, DateTimeOffset expiresAt, long tag)
    {
        var hold = new OpenHold(quantity, expiresAt.ToUnixTimeSeconds(), tag);
        Track(reservationId, hold);
        Count(hold.At, quantity, 1);
    }

    /// <summary>Takes an open hold out of the index; <paramref name="how"/> null leaves no ended entry (an undo).</summary>
    public OpenHold Remove(Guid reservationId, HoldStatus? how)
    {
        _open.Remove(reservationId, out var entry);
        var hold = entry.Hold;
        Count(hold.At, -hold.Quantity, -1);
        if (how is { } status)
        {
            Remember(reservationId, status);
            _rows.Add((reservationId, new AlbumHoldRow { Status = status, ExpiresAt = hold.ExpiresAt }));
        }
        else
        {
            _ended.Remove(reservationId);
        }

        return hold;
    }

    public void Move(Guid reservationId, DateTimeOffset expiresAt)
    {
        var hold = _open[reservationId].Hold;
        Count(hold.At, -hold.Quantity, -1);
        var moved = hold with { At = expiresAt.ToUnixTimeSeconds() };
        Track(reservationId, moved);
        Count(moved.At, moved.Quantity, 1);
        _rows.Add((reservationId, new AlbumHoldRow { Status = HoldStatus.Held, ExpiresAt = moved.ExpiresAt }));
    }

    /// <summary>Drops every due bucket from the index; returns how many holds expired. Memory lets them go once stored.</summary>
    public int ExpireDue()
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var expired = 0;
        while (state.Expiry.Count > 0 && state.Expiry[0].At <= now)
        {
            expired += state.Expiry[0].Holds;
            state.Expiry.RemoveAt(0);
        }

        return expired;
    }

    /// <summary>
    /// Lets go of what a write that began at <paramref name="stored"/> has stored: ended entries beyond
    /// <see cref="EndedKept"/>, and the oldest open holds beyond <see cref="OpenKept"/> or expired. Only stored ones, so
    /// that their rows tell what memory did.
    /// </summary>
    public void ForgetStored((long Ends, long Opens) stored)
    {
        while (_endedOrder.Count > EndedKept && _endedOrder.Peek().Sequence < stored.Ends)
        {
            _ended.Remove(_endedOrder.Dequeue().ReservationId);
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        while (_openOrder.TryPeek(out var oldest) && oldest.Sequence < stored.Opens)
        {
            if (_open.TryGetValue(oldest.ReservationId, out var entry) && entry.Sequence == oldest.Sequence)
            {
                if (_open.Count <= openKept && entry.Hold.At > now)
                {
                    break;
                }

                _open.Remove(oldest.ReservationId);
            }

            _openOrder.Dequeue();
        }

        // Holds released soon after they were made leave their entries behind a long one at the head: dropped once they
        // are most of the queue, so its size follows the holds in memory and not the reservations made meanwhile.
        if (_openOrder.Count > 2 * _open.Count + 1_024)
        {
            var current = _openOrder.Where(entry => _open.TryGetValue(entry.ReservationId, out var open) && open.Sequence == entry.Sequence).ToList();
            _openOrder.Clear();
            current.ForEach(_openOrder.Enqueue);
        }
    }

    private void Track(Guid reservationId, OpenHold hold)
    {
        var sequence = _openSequence++;
        _open[reservationId] = (hold, sequence);
        _openOrder.Enqueue((sequence, reservationId));
    }

    private void Remember(Guid reservationId, HoldStatus status)
    {
        _ended[reservationId] = status;
        _endedOrder.Enqueue((_endSequence++, reservationId));
    }

    /// <summary>Adds to (or takes from) a second's bucket, keeping the index sorted and without empty buckets.</summary>
    private void Count(long at, int units, int holds)
    {
        var index = state.Expiry.BinarySearch(new ExpiryBucket(at, 0, 0), BucketOrder.Instance);
        if (index < 0)
        {
            if (units <= 0)
            {
                // Its bucket already expired and was swept: the units stopped counting then.
                return;
            }

            state.Expiry.Insert(~index, new ExpiryBucket(at, units, holds));
            return;
        }

        var bucket = state.Expiry[index];
        var updated = new ExpiryBucket(at, Math.Max(0, bucket.Units + units), Math.Max(0, bucket.Holds + holds));
        if (updated.Holds == 0)
        {
            state.Expiry.RemoveAt(index);
        }
        else
        {
            state.Expiry[index] = updated;
        }
    }

    private sealed class BucketOrder : IComparer<ExpiryBucket>
    {
        public static readonly BucketOrder Instance = new();

        public int Compare(ExpiryBucket? x, ExpiryBucket? y) => x!.At.CompareTo(y!.At);
    }
}

/// <summary>An open album-homed hold in memory.</summary>
/// <param name="At">Its expiry, in whole Unix seconds (the bucket it counts in).</param>
public readonly record struct OpenHold(int Quantity, long At, long Tag)
{
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(At);
}

/// <summary>
/// What changed about an album-homed hold after its record was stored: how it ended, or its new expiry. Upserted by its
/// album only (state <see cref="StateName"/>, keyed like the reservation's record); it wins over the record.
/// </summary>
[GenerateSerializer, Alias("Misty.AlbumHoldRow")]
public sealed class AlbumHoldRow
{
    public const string StateName = "albumhold";

    [Id(0)] public HoldStatus Status { get; set; }
    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A hold as its stored rows tell it.</summary>
public sealed record StoredHold(HoldStatus Status, int Quantity, DateTimeOffset ExpiresAt, long Tag);
