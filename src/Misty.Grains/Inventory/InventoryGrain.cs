using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    IOptions<InventoryOptions> options,
    ILogger<InventoryGrain> logger) : Grain, IInventoryGrain, IRemindable
{
    public const string StateName = "inventory";
    private const string ExpiryReminder = "expire-holds";
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);
    /// <summary>
    /// How long an album keeps its reminder with no holds. Dropping it at the first empty tick meant that an album
    /// selling all day dropped and re-added it every minute: two database writes each time, for every such album.
    /// </summary>
    private static readonly TimeSpan ReminderIdleLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The stored row and its version. Written through the storage directly, not IPersistentState, because a write may
    /// carry the records of reservations held in it (see <see cref="ReserveAsync"/>).
    /// </summary>
    private readonly GrainState<InventoryState> _row = new();
    private StatePipeline<InventoryState, IStockEvent> _pipeline = null!;
    /// <summary>The snapshot of the last stored state: the inventory row it is projected to.</summary>
    private InventorySnapshot? _storedSnapshot;
    /// <summary>Records of reservations held since the last write began, stored with the next write.</summary>
    private List<PendingRecord> _pendingRecords = [];
    /// <summary>Reservations whose record is pending or being written, so a twin request can wait for it.</summary>
    private readonly HashSet<Guid> _recording = [];
    private StockBook _book = null!;
    private InventoryRows _rows = null!;
    /// <summary>Keyed stock changes applied by this activation, with whether each is stored: a retry racing its write waits for it.</summary>
    private readonly Dictionary<Guid, (StockChangeRow Row, Task<bool> Stored)> _changeKeys = [];
    /// <summary>Sweeps due expiry buckets within a second while the album is active; the reminder does it when it is not.</summary>
    private IGrainTimer? _sweep;
    private DateTimeOffset _lastHoldAt;

    private Guid AlbumId => this.GetPrimaryKey();

    private InventoryState Live => _pipeline.Live;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await storage.ReadStateAsync(StateName, this.GetGrainId(), _row);
        var streams = this.GetStreamProvider(MistyStreams.Provider);
        var album = streams.GetStream<IStockEvent>(StreamId.Create(MistyStreams.Stock, AlbumId));
        var allStocks = streams.GetStream<IStockEvent>(StreamId.Create(MistyStreams.Stock, MistyStreams.AllKey));
        _pipeline = new StatePipeline<InventoryState, IStockEvent>(this, _row.State ??= new InventoryState(), new()
        {
            GroupCommit = true,
            BeforeWrite = () =>
            {
                EnsureSweep();
                return Task.CompletedTask;
            },
            Write = WriteAsync,
            Publish = async events =>
            {
                // One stream batch per write: a busy album stores several changes per write.
                await album.OnNextBatchAsync(events);
                // Dashboards watch every album's low stock without subscribing to each album.
                if (events.OfType<LowStock>().ToList() is { Count: > 0 } lowStock)
                {
                    await allStocks.OnNextBatchAsync(lowStock);
                }
            },
            Version = stored => stored.Version,
            Project = ProjectAsync,
            // The row is for reports and SQL (dashboards get the stock stream): under load one projection covers many writes.
            Coalescing = TimeSpan.FromSeconds(1),
            // Registered before every write: it releases expired holds durably, and finishes rows a lost silo left unwritten.
            Reminder = ExpiryReminder,
            ReminderPeriod = options.Value.ReminderPeriod,
            KeepsReminder = () => HasHolds || clock.GetUtcNow() - _lastHoldAt < ReminderIdleLimit,
        }, logger, $"inventory of album {AlbumId}");
        _book = new StockBook(Live, clock);
        _rows = new InventoryRows(storage, AlbumId);
        if (!_row.RecordExists && await store.LoadAsync(AlbumId, cancellationToken) is { } row)
        {
            // First activation for this album: start from its catalog row (seeded or created through the API).
            var initial = Live;
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
            _lastHoldAt = clock.GetUtcNow();
            EnsureSweep();
            await _pipeline.EnsureReminderAsync();
        }

        Telemetry.MistyMetrics.OpenHolds(AlbumId, Live.Holds.Count);
        if (_row.RecordExists)
        {
            // A crash may have come between storing a change and projecting it; replaying is idempotent.
            _storedSnapshot = _book.Snapshot(AlbumId);
            _pipeline.Resume();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Telemetry.MistyMetrics.ForgetHolds(AlbumId);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task<InventorySnapshot?> GetAsync() =>
        Task.FromResult(Live.Exists ? _book.Snapshot(AlbumId) : null);

    public Task<HoldOutcome> HoldAsync(Guid reservationId, int quantity, DateTimeOffset expiresAt, long tag = 0)
    {
        _lastHoldAt = clock.GetUtcNow();
        return Live.Exists ? ApplyAsync(() => _book.Hold(reservationId, quantity, expiresAt, tag)) : UnknownAlbum();
    }

    public async Task<AlbumReservation> ReserveAsync(Guid reservationId, ReservationRequest request)
    {
        var createdAt = clock.GetUtcNow();
        _lastHoldAt = createdAt;
        if (!Live.Exists)
        {
            return new AlbumReservation(await UnknownAlbum(), MadeHere: false, RecordedAt: null);
        }

        var line = request.Lines.Single();
        var expiresAt = AlbumHolds.RoundUp(createdAt + request.Ttl);
        PendingRecord? record = null;
        var hold = await ApplyAsync(() =>
        {
            var version = Live.Version;
            var outcome = _book.Hold(reservationId, line.Quantity, expiresAt, request.HoldTag, forgetWhenEnded: true);
            // Holding an id again for the same request is a no-op (no new version) that answers with the existing hold.
            if (outcome.Status == HoldStatus.Held && Live.Version != version)
            {
                record = new PendingRecord(reservationId, ReservationRecords.AlbumHomed(reservationId, request, createdAt, outcome.ExpiresAt!.Value));
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
                await _pipeline.StoreAsync();
            }

            return new AlbumReservation(hold, MadeHere: false, RecordedAt: null);
        }

        var recorded = await record.Stored.Task;
        return new AlbumReservation(hold, MadeHere: true, recorded ? createdAt : null);
    }

    public Task<HoldOutcome> UndoHoldAsync(Guid reservationId, long tag) =>
        Live.Exists ? ApplyAsync(() => _book.Undo(reservationId, tag)) : UnknownAlbum();

    public async Task<HoldOutcome> PeekHoldAsync(Guid reservationId) =>
        Live.Exists && await KnowAsync(reservationId) ? _book.Peek(reservationId) : await UnknownAlbum();

    public async Task<HoldOutcome> ReleaseAsync(Guid reservationId) =>
        Live.Exists && await KnowAsync(reservationId) ? await ApplyAsync(() => _book.Release(reservationId)) : await UnknownAlbum();

    public async Task<HoldOutcome> CommitHoldAsync(Guid reservationId, Guid? orderId, decimal? unitPrice) =>
        Live.Exists && await KnowAsync(reservationId) ? await ApplyAsync(() => _book.Commit(reservationId, orderId, unitPrice)) : await UnknownAlbum();

    public async Task<HoldOutcome> ExtendAsync(Guid reservationId, DateTimeOffset expiresAt) =>
        Live.Exists && await KnowAsync(reservationId) ? await ApplyAsync(() => _book.Extend(reservationId, expiresAt)) : await UnknownAlbum();

    public async Task<StockChangeOutcome> ChangeStockAsync(StockChange change)
    {
        if (!Live.Exists)
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

    public Task<bool> RebuildProjectionAsync() => _pipeline.RebuildAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }

        await ApplyAsync(_book.ExpireDue);
        await _pipeline.OnReminderAsync();
    }

    private bool HasHolds => Live.Holds.Count > 0 || Live.Expiry.Count > 0;

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
        _pipeline.ThrowIfFailed();
        var version = Live.Version;
        var result = rule();
        if (Live.Version != version)
        {
            var snapshot = _book.Snapshot(AlbumId);
            var now = clock.GetUtcNow();
            _pipeline.Announce(new StockChanged(AlbumId, snapshot.Sku, snapshot.Quantity, snapshot.Reserved, snapshot.Available, snapshot.Version, now));
            if (_book.CrossedReorderPoint())
            {
                _pipeline.Announce(new LowStock(AlbumId, snapshot.Sku, snapshot.Available, snapshot.ReorderPoint, snapshot.Version, now));
            }

            await _pipeline.StoreAsync();
        }

        return result;
    }

    /// <summary>
    /// Stores <paramref name="copy"/> of the live state with the records of the reservations held since the last write
    /// and the rows of holds that ended or moved since: everything changed before this point is in this write.
    /// </summary>
    private async Task WriteAsync(InventoryState copy)
    {
        var records = _pendingRecords;
        _pendingRecords = [];
        var mark = _book.Homed.Mark;
        var holdRows = _book.Homed.TakeRows().Select(change => InventoryRows.HoldRow(change.ReservationId, change.Row));
        var snapshot = _book.Snapshot(AlbumId);
        try
        {
            _row.State = copy;
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

            throw;
        }
        finally
        {
            foreach (var record in records)
            {
                _recording.Remove(record.ReservationId);
            }
        }

        _storedSnapshot = snapshot;
        _book.Homed.ForgetStored(mark);
        Telemetry.MistyMetrics.OpenHolds(AlbumId, copy.Holds.Count + _book.Homed.Open);
    }

    /// <summary>Brings the inventory row and ledger up to the stored state; projected entries leave the outbox with the next write.</summary>
    private async Task ProjectAsync(InventoryState stored, bool overwrite)
    {
        await store.ProjectAsync(_storedSnapshot!, stored.PendingLedger, overwrite, CancellationToken.None);
        var projected = stored.PendingLedger.Select(entry => entry.TransactionId).ToHashSet();
        Live.PendingLedger.RemoveAll(entry => projected.Contains(entry.TransactionId));
    }

    /// <summary>Releases expired holds within a second of their expiry while the album is active and has any.</summary>
    private void EnsureSweep()
    {
        if (HasHolds)
        {
            _sweep ??= this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(SweepPeriod, SweepPeriod) { Interleave = true });
        }
    }

    /// <summary>Stores the release of holds whose second has passed, soon after it passed; one album write per sweep.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (Live.Expiry is [var first, ..] && first.At <= now.ToUnixTimeSeconds() || Live.Holds.Values.Any(hold => hold.ExpiresAt <= now))
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
