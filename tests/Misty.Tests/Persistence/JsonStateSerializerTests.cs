using System.Text;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Inventory;
using Misty.Grains.Reservations;
using Misty.Persistence;
using Newtonsoft.Json;

namespace Misty.Tests.Persistence;

[Trait("Category", "Unit")]
public sealed class JsonStateSerializerTests
{
    // The settings of Orleans' JSON grain storage serializer that shape these states, as Misty configures them.
    private static readonly JsonSerializerSettings Newtonsoft = new()
    {
        TypeNameHandling = TypeNameHandling.Auto,
        DefaultValueHandling = DefaultValueHandling.Ignore,
        NullValueHandling = NullValueHandling.Ignore,
        ObjectCreationHandling = ObjectCreationHandling.Replace,
    };

    private static readonly DateTimeOffset Now = new(2026, 12, 3, 2, 45, 0, 123, TimeSpan.Zero);

    private readonly JsonStateSerializer _serializer = new();

    [Fact]
    public void An_album_state_reads_back_whole()
    {
        var state = AlbumState();

        var read = _serializer.Deserialize<InventoryState>(_serializer.Serialize(state));

        AssertSame(state, read);
    }

    [Fact]
    public void Rows_written_by_either_serializer_read_with_the_other()
    {
        var state = AlbumState();

        var fromNewtonsoft = _serializer.Deserialize<InventoryState>(new BinaryData(Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(state, Newtonsoft))));
        var byNewtonsoft = JsonConvert.DeserializeObject<InventoryState>(_serializer.Serialize(state).ToString(), Newtonsoft)!;

        AssertSame(state, fromNewtonsoft);
        AssertSame(state, byNewtonsoft);
    }

    [Fact]
    public void Default_values_are_left_out_and_text_is_not_escaped()
    {
        var request = new ReservationRequest([new ReservationLine(Guid.NewGuid(), 1)], TimeSpan.FromMinutes(15), "storefront:Ünïcode", "hash");
        var record = ReservationState.AlbumHomedHold(request, Now, Now.AddMinutes(15));

        var json = _serializer.Serialize(record).ToString();

        // The expiry sweep reads a missing Status as Held (0), as Newtonsoft has always left it out.
        Assert.DoesNotContain("\"Status\"", json);
        Assert.DoesNotContain("\"OrderId\"", json);
        Assert.Contains("\"AlbumHomed\":true", json);
        Assert.Contains("\"Caller\":\"storefront:Ünïcode\"", json);
        Assert.Contains("\"ExpiresAt\":\"2026-12-03T03:00:00.123+00:00\"", json);
    }

    private static InventoryState AlbumState()
    {
        var state = new InventoryState
        {
            Exists = true,
            Sku = "MISTY-0001",
            Quantity = 12,
            ReorderPoint = 3,
            OptimalStockLevel = 20,
            LastRestockDate = Now.AddDays(-2),
            Version = 41,
            LowStockAnnounced = true,
        };
        state.Holds[Guid.NewGuid()] = new StockHold(2, Now.AddMinutes(15), Tag: 123_456_789_012, ForgetWhenEnded: true);
        state.Holds[Guid.NewGuid()] = new StockHold(1, Now.AddMinutes(5));
        state.Ended[Guid.NewGuid()] = new EndedHold(HoldStatus.Committed, Now);
        state.PendingLedger.Add(new LedgerEntry(Guid.NewGuid(), StockChangeKind.Restock, 10, 12.5m, "Pallet from the label", Guid.NewGuid(), null, Now));
        return state;
    }

    private static void AssertSame(InventoryState expected, InventoryState actual)
    {
        Assert.Equal(
            (expected.Exists, expected.Sku, expected.Quantity, expected.ReorderPoint, expected.OptimalStockLevel, expected.LastRestockDate, expected.Version, expected.LowStockAnnounced),
            (actual.Exists, actual.Sku, actual.Quantity, actual.ReorderPoint, actual.OptimalStockLevel, actual.LastRestockDate, actual.Version, actual.LowStockAnnounced));
        Assert.Equal(expected.Holds, actual.Holds);
        Assert.Equal(expected.Ended, actual.Ended);
        Assert.Equal(expected.PendingLedger, actual.PendingLedger);
    }
}
