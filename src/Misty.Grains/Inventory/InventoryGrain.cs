using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;
using Misty.Persistence;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Streams;

namespace Misty.Grains.Inventory;

/// <summary>
/// One album's live stock. Reentrant so that concurrent requests share storage writes (group commit): each call
/// checks and changes the state in one turn, without awaiting in between, then waits for the write that stores it.
/// Events are published, and rows projected, only after the state that caused them is stored.
/// </summary>
[Reentrant]
[GrainType("inventory")]
public sealed class InventoryGrain(
    [FromKeyedServices(BatchedGrainStorage.Name)] IGrainStorage storage,
    IInventoryStore store,
    TimeProvider clock,
    ILogger<InventoryGrain> logger) : Grain, IInventoryGrain, IRemindable
{
    public const string StateName = "inventory";
    private const string ExpiryReminder = "expire-holds";
    private static readonly TimeSpan ExpirySweepPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);
    /// <summary>
    /// How long an album keeps its expiry reminder with no holds. Dropping it at the first empty tick meant that an
    /// album selling all day dropped and re-added it every minute: two database writes each time, for every such album.
    /// </summary>
    private static readonly TimeSpan ReminderIdleLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The stored row and its version. Written through the storage directly, not IPersistentState, because a write may
    /// carry the records of reservations held in it (see <see cref="ReserveAsync"/>).
    /// </summary>
    private readonly GrainState<InventoryState> _row = new();
    /// <summary>The live state the rules change; storage gets a copy, because it may serialize off the grain's thread.</summary>
    private InventoryState _live = null!;
    /// <summary>Records of reservations held since the last write began, stored with the next write.</summary>
    private List<PendingRecord> _pendingRecords = [];
    /// <summary>Reservations whose record is pending or being written, so a twin request can wait for it.</summary>
    private readonly HashSet<Guid> _recording = [];
    private StockBook _book = null!;
    private List<IStockEvent> _awaitingWrite = [];
    private GroupCommit? _commit;
    private StockProjector _projector = null!;
    private StockPublisher _publisher = null!;
    private InventoryRows _rows = null!;
    /// <summary>Keyed stock changes applied by this activation, with whether each is stored: a retry racing its write waits for it.</summary>
    private readonly Dictionary<Guid, (StockChangeRow Row, Task<bool> Stored)> _changeKeys = [];
    /// <summary>Sweeps due expiry buckets within a second while the album is active; the reminder does it when it is not.</summary>
    private IGrainTimer? _sweep;
    private bool _reminderRegistered;
    private DateTimeOffset _lastHoldAt;

    private Guid AlbumId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _row);
        _live = _row.State ??= new InventoryState();
        _book = new StockBook(_live, clock);
        _lastHoldAt = clock.GetUtcNow();
        _commit = new GroupCommit(WriteAsync);
        var streams = this.GetStreamProvider(MistyStreams.Provider);
        _publisher = new StockPublisher(streams.GetStream<IStockEvent>(StreamId.Create(MistyStreams.Stock, AlbumId)),
            streams.GetStream<IStockEvent>(StreamId.Create(MistyStreams.Stock, MistyStreams.AllKey)), AlbumId, logger);
        _rows = new InventoryRows(storage, AlbumId);
        _projector = new StockProjector(store, AlbumId, logger, done => _live.PendingLedger.RemoveAll(entry => done.Contains(entry.TransactionId)));
        if (!_row.RecordExists && await store.LoadAsync(AlbumId, cancellationToken) is { } row)
        {
            // First activation for this album: start from its catalog row (seeded or created through the API).
            var initial = _live;
            initial.Exists = true;
            initial.Sku = row.Sku;
            initial.Quantity = row.Quantity;
            initial.ReorderPoint = row.ReorderPoint;
            initial.OptimalStockLevel = row.OptimalStockLevel;
            initial.LastRestockDate = row.LastRestockDate;
            initial.LowStockAnnounced = _book.Available <= row.ReorderPoint;
        }

        if (HasHolds)
        {
            await EnsureExpiryReminderAsync();
        }

        Telemetry.MistyMetrics.OpenHolds(AlbumId, _live.Holds.Count);
        if (_row.RecordExists)
        {
            // A crash may have come between storing a change and projecting it; replaying is idempotent.
            _projector.Stored(_book.Snapshot(AlbumId), _live.PendingLedger.ToList());
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Telemetry.MistyMetrics.ForgetHolds(AlbumId);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task<InventorySnapshot?> GetAsync() =>
        Task.FromResult(_live.Exists ? _book.Snapshot(AlbumId) : null);

    public Task<HoldOutcome> HoldAsync(Guid reservationId, int quantity, DateTimeOffset expiresAt, long tag = 0)
    {
        _lastHoldAt = clock.GetUtcNow();
        return _live.Exists ? ApplyAsync(() => _book.Hold(reservationId, quantity, expiresAt, tag)) : UnknownAlbum();
    }

    public async Task<AlbumReservation> ReserveAsync(Guid reservationId, ReservationRequest request)
    {
        var createdAt = clock.GetUtcNow();
        _lastHoldAt = createdAt;
        if (!_live.Exists)
        {
            return new AlbumReservation(await UnknownAlbum(), MadeHere: false, RecordedAt: null);
        }

        var line = request.Lines.Single();
        var expiresAt = AlbumHolds.RoundUp(createdAt + request.Ttl);
        PendingRecord? record = null;
        var hold = await ApplyAsync(() =>
        {
            var version = _live.Version;
            var outcome = _book.Hold(reservationId, line.Quantity, expiresAt, request.HoldTag, forgetWhenEnded: true);
            // Holding an id again for the same request is a no-op (no new version) that answers with the existing hold.
            if (outcome.Status == HoldStatus.Held && _live.Version != version)
            {
                record = new PendingRecord(reservationId, new NewRow<ReservationState>(ReservationState.StateName, ReservationState.RecordId(reservationId),
                    ReservationState.AlbumHomedHold(request, createdAt, outcome.ExpiresAt!.Value)));
                _pendingRecords.Add(record);
                _recording.Add(reservationId);
            }

            return outcome;
        });
        if (record is null)
        {
            // Refused, or the same request's hold is here already: a twin whose record is still being written shares it.
            if (hold.Status == HoldStatus.Held && _recording.Contains(reservationId))
            {
                await _commit!.CommitAsync();
            }

            return new AlbumReservation(hold, MadeHere: false, RecordedAt: null);
        }

        var recorded = await record.Stored.Task;
        return new AlbumReservation(hold, MadeHere: true, recorded ? createdAt : null);
    }

    public Task<HoldOutcome> UndoHoldAsync(Guid reservationId, long tag) =>
        _live.Exists ? ApplyAsync(() => _book.Undo(reservationId, tag)) : UnknownAlbum();

    public async Task<HoldOutcome> PeekHoldAsync(Guid reservationId) =>
        _live.Exists && await KnowAsync(reservationId) ? _book.Peek(reservationId) : await UnknownAlbum();

    public async Task<HoldOutcome> ReleaseAsync(Guid reservationId) =>
        _live.Exists && await KnowAsync(reservationId) ? await ApplyAsync(() => _book.Release(reservationId)) : await UnknownAlbum();

    public async Task<HoldOutcome> CommitHoldAsync(Guid reservationId, Guid? orderId, decimal? unitPrice) =>
        _live.Exists && await KnowAsync(reservationId) ? await ApplyAsync(() => _book.Commit(reservationId, orderId, unitPrice)) : await UnknownAlbum();

    public async Task<HoldOutcome> ExtendAsync(Guid reservationId, DateTimeOffset expiresAt) =>
        _live.Exists && await KnowAsync(reservationId) ? await ApplyAsync(() => _book.Extend(reservationId, expiresAt)) : await UnknownAlbum();

    public async Task<StockChangeOutcome> ChangeStockAsync(StockChange change)
    {
        if (!_live.Exists)
        {
            return new StockChangeOutcome(StockChangeStatus.UnknownAlbum, null);
        }

        if (change.Key is not { } key)
        {
            return await ApplyAsync(() => _book.Change(AlbumId, change));
        }

        var stored = _changeKeys.ContainsKey(key) ? null : await _rows.ReadChangeAsync(key);
        if (_changeKeys.TryGetValue(key, out var applied))
        {
            await applied.Stored;
            stored = applied.Row;
        }

        if (stored is not null)
        {
            // Applied before (in this activation, or stored by an earlier one): a retry changes nothing.
            return new StockChangeOutcome(stored.IsSameAs(AlbumId, change) ? StockChangeStatus.Applied : StockChangeStatus.KeyReused, _book.Snapshot(AlbumId));
        }

        return await ApplyAsync(() =>
        {
            var outcome = _book.Change(AlbumId, change);
            if (outcome.Status == StockChangeStatus.Applied)
            {
                var row = StockChangeRow.Of(AlbumId, change);
                var record = new PendingRecord(key, InventoryRows.ChangeRow(key, row));
                _pendingRecords.Add(record);
                _changeKeys[key] = (row, record.Stored.Task);
            }

            return outcome;
        });
    }

    public Task<bool> RebuildProjectionAsync() => _projector.RebuildAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }

        await ApplyAsync(_book.ExpireDue);
        if (!HasHolds && clock.GetUtcNow() - _lastHoldAt >= ReminderIdleLimit && await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            _reminderRegistered = false;
        }
    }

    private bool HasHolds => _live.Holds.Count > 0 || _live.Expiry.Count > 0;

    /// <summary>
    /// Makes sure memory knows this id's hold before a rule reads it: a hold made before this activation is loaded from
    /// its rows (one batched read), so that the state never has to keep every hold. Always true, to chain with Exists.
    /// </summary>
    private async Task<bool> KnowAsync(Guid reservationId)
    {
        if (_book.MustLoad(reservationId))
        {
            var stored = await _rows.ReadHoldAsync(reservationId);
            _book.Homed.Load(reservationId, stored);
        }

        return true;
    }

    /// <summary>Runs one rule of the stock book and, when it changed the state, waits until that change is stored.</summary>
    private async Task<T> ApplyAsync<T>(Func<T> rule)
    {
        if (_commit!.HasFailed)
        {
            throw new InvalidOperationException("The inventory grain is reloading after a failed write; retry.", _commit.Failure);
        }

        var version = _live.Version;
        var result = rule();
        if (_live.Version != version)
        {
            var snapshot = _book.Snapshot(AlbumId);
            var now = clock.GetUtcNow();
            _awaitingWrite.Add(new StockChanged(AlbumId, snapshot.Sku, snapshot.Quantity, snapshot.Reserved, snapshot.Available, snapshot.Version, now));
            if (_book.CrossedReorderPoint())
            {
                _awaitingWrite.Add(new LowStock(AlbumId, snapshot.Sku, snapshot.Available, snapshot.ReorderPoint, snapshot.Version, now));
            }

            await _commit.CommitAsync();
        }

        return result;
    }

    private async Task WriteAsync()
    {
        List<PendingRecord> records = [];
        List<IStockEvent> events;
        long endMark;
        (InventorySnapshot Snapshot, List<LedgerEntry> Ledger) stored;
        try
        {
            if (HasHolds)
            {
                await EnsureExpiryReminderAsync();
            }

            // Everything changed before this point is in this write, records of its holds and rows of ended or extended
            // holds included; later changes wait for the next one.
            events = _awaitingWrite;
            _awaitingWrite = [];
            records = _pendingRecords;
            _pendingRecords = [];
            endMark = _book.Homed.EndMark;
            var holdRows = _book.Homed.TakeRows().Select(change => InventoryRows.HoldRow(change.ReservationId, change.Row));
            stored = (_book.Snapshot(AlbumId), _live.PendingLedger.ToList());
            _row.State = _live.Copy();
            var inserted = await storage.WriteStateWithNewRowsAsync(StateName, this.GetGrainId(), _row, [.. records.Select(record => record.Row), .. holdRows]);
            for (var i = 0; i < records.Count; i++)
            {
                records[i].Stored.SetResult(inserted[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var record in records)
            {
                record.Stored.TrySetException(ex);
                _changeKeys.Remove(record.ReservationId);
            }

            logger.LogError(ex, "Storing inventory of album {AlbumId} failed; reloading from storage.", AlbumId);
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            foreach (var record in records)
            {
                _recording.Remove(record.ReservationId);
            }
        }

        _book.Homed.ForgetStoredEnds(endMark);
        Telemetry.MistyMetrics.OpenHolds(AlbumId, _row.State.Holds.Count + _book.Homed.Open);
        _publisher.Publish(events);
        _projector.Stored(stored.Snapshot, stored.Ledger);
    }

    private async Task EnsureExpiryReminderAsync()
    {
        _sweep ??= this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(SweepPeriod, SweepPeriod) { Interleave = true });
        if (!_reminderRegistered)
        {
            // Expired holds already never count; the reminder releases them durably, even if this silo is gone.
            await this.RegisterOrUpdateReminder(ExpiryReminder, ExpirySweepPeriod, ExpirySweepPeriod);
            _reminderRegistered = true;
        }
    }

    /// <summary>Stores the release of holds whose second has passed, soon after it passed; one album write per sweep.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_live.Expiry is [var first, ..] && first.At <= now.ToUnixTimeSeconds() || _live.Holds.Values.Any(hold => hold.ExpiresAt <= now))
        {
            await ApplyAsync(_book.ExpireDue);
        }
        else if (!HasHolds)
        {
            _sweep?.Dispose();
            _sweep = null;
        }
    }

    /// <summary>A reservation's record waiting for the write that stores its hold; completes with whether it was inserted.</summary>
    private sealed record PendingRecord(Guid ReservationId, NewRow Row)
    {
        public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static Task<HoldOutcome> UnknownAlbum() => Task.FromResult(new HoldOutcome(HoldStatus.UnknownAlbum, 0, null));
}
