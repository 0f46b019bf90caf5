using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;
using Misty.Persistence;
using Orleans.Storage;

namespace Misty.Grains.Inventory;

/// <summary>
/// The rows an album keeps besides its state, each its own row in <c>orleansstorage</c>, so that the state stays the
/// same size however many holds are open or changes were keyed: reservation records and album-hold rows (a hold's
/// detail, read when the album meets a hold made before its activation), and stock-change keys.
/// </summary>
public sealed class InventoryRows(IGrainStorage storage, Guid albumId)
{
    private static readonly GrainType ChangeKeyType = GrainType.Create("stockchange");

    /// <summary>A hold of this album as its rows tell it; null when this album holds nothing for the id.</summary>
    public async Task<StoredHold?> ReadHoldAsync(Guid reservationId)
    {
        var row = new GrainState<AlbumHoldRow>();
        // Both reads go in the same batched round trip.
        var record = ReservationRecords.ReadAsync(storage, reservationId);
        await Task.WhenAll(record, storage.ReadStateAsync(AlbumHoldRow.StateName, ReservationState.RecordId(reservationId), row));
        if (await record is not { Exists: true, AlbumHomed: true } state || state.Lines[0].AlbumId != albumId)
        {
            return null;
        }

        var quantity = state.Lines[0].Quantity;
        var tag = ReservationRequest.TagOf(state.RequestHash);
        if (row is { RecordExists: true, State: { } hold })
        {
            return new StoredHold(hold.Status, quantity, hold.ExpiresAt, tag);
        }

        // A record from before the expiry index had its hold in the album's state, which ended it without a row.
        return state.Status == ReservationStatus.Committed ? new StoredHold(HoldStatus.Committed, quantity, state.ExpiresAt, tag)
            : state.Indexed ? new StoredHold(HoldStatus.Held, quantity, state.ExpiresAt, tag)
            : new StoredHold(HoldStatus.Released, quantity, state.ExpiresAt, tag);
    }

    /// <returns>The stored change made under this key, or null when none was.</returns>
    public async Task<StockChangeRow?> ReadChangeAsync(Guid key)
    {
        var row = new GrainState<StockChangeRow>();
        await storage.ReadStateAsync(StockChangeRow.StateName, ChangeKeyId(key), row);
        return row.RecordExists ? row.State : null;
    }

    public static NewRow HoldRow(Guid reservationId, AlbumHoldRow row) =>
        new NewRow<AlbumHoldRow>(AlbumHoldRow.StateName, ReservationState.RecordId(reservationId), row) { Overwrite = true };

    public static NewRow ChangeRow(Guid key, StockChangeRow row) => new NewRow<StockChangeRow>(StockChangeRow.StateName, ChangeKeyId(key), row);

    private static GrainId ChangeKeyId(Guid key) => GrainId.Create(ChangeKeyType, GrainIdKeyExtensions.CreateGuidKey(key));
}

/// <summary>A stock change applied under a key (insert-only): a retry finds it and changes nothing again.</summary>
[GenerateSerializer, Alias("Misty.StockChangeRow")]
public sealed class StockChangeRow
{
    public const string StateName = "stockchange";

    [Id(0)] public Guid AlbumId { get; set; }
    [Id(1)] public StockChangeKind Kind { get; set; }
    [Id(2)] public int Delta { get; set; }
    [Id(3)] public decimal? UnitPrice { get; set; }
    [Id(4)] public string? Notes { get; set; }
    [Id(5)] public Guid? OrderId { get; set; }

    public static StockChangeRow Of(Guid albumId, StockChange change) => new()
    {
        AlbumId = albumId,
        Kind = change.Kind,
        Delta = change.Delta,
        UnitPrice = change.UnitPrice,
        Notes = change.Notes,
        OrderId = change.OrderId,
    };

    /// <summary>Whether <paramref name="change"/> is the change stored here (a retry) rather than another under the same key.</summary>
    public bool IsSameAs(Guid albumId, StockChange change) =>
        AlbumId == albumId && Kind == change.Kind && Delta == change.Delta && UnitPrice == change.UnitPrice && Notes == change.Notes && OrderId == change.OrderId;
}
