using FsCheck.Xunit;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Inventory;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Inventory;

/// <summary>
/// Random scripts of reserve, release, commit, expire, restock, adjust and return, checked step by step against a
/// deliberately naive model of the same rules, plus the invariants that must hold whatever the script.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StockBookProperties
{
    private const int Slots = 8;
    private const int InitialQuantity = 20;

    [Property(MaxTest = 300)]
    public void Every_step_keeps_the_invariants(List<(byte Op, byte Slot, byte Amount)> script) => Run(script, homed: false);

    /// <summary>The same rules for album-homed holds, which only the expiry index counts.</summary>
    [Property(MaxTest = 300)]
    public void Every_step_keeps_the_invariants_with_album_homed_holds(List<(byte Op, byte Slot, byte Amount)> script) => Run(script, homed: true);

    private static void Run(List<(byte Op, byte Slot, byte Amount)> script, bool homed)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
        var book = new StockBook(new InventoryState { Exists = true, Sku = "SKU", Quantity = InitialQuantity, ReorderPoint = 3 }, clock);
        var album = Guid.NewGuid();
        var reservations = Enumerable.Range(0, Slots).Select(_ => Guid.NewGuid()).ToArray();
        var model = new Dictionary<int, (int Quantity, DateTimeOffset Expires)>();
        var modelQuantity = InitialQuantity;

        int ModelReserved() => model.Values.Where(hold => hold.Expires > clock.GetUtcNow()).Sum(hold => hold.Quantity);

        foreach (var (op, rawSlot, rawAmount) in script)
        {
            var slot = rawSlot % Slots;
            var amount = rawAmount % 6 + 1;
            var version = book.State.Version;
            switch (op % 7)
            {
                case 0:
                    var fits = modelQuantity - ModelReserved() >= amount;
                    var live = model.TryGetValue(slot, out var current) && current.Expires > clock.GetUtcNow();
                    var held = book.Hold(reservations[slot], amount, clock.GetUtcNow().AddSeconds(amount * 10), forgetWhenEnded: homed);
                    if (!live && !book.State.Ended.ContainsKey(reservations[slot]) && held.Status == HoldStatus.Held)
                    {
                        Assert.True(fits, "A hold was granted beyond what was available.");
                        model[slot] = (amount, clock.GetUtcNow().AddSeconds(amount * 10));
                    }
                    else if (!live && held.Status == HoldStatus.Insufficient)
                    {
                        Assert.False(fits, "A hold that fits was refused.");
                    }

                    break;
                case 1:
                    book.Release(reservations[slot]);
                    model.Remove(slot);
                    break;
                case 2:
                    var sold = book.Commit(reservations[slot], null, 10m);
                    if (sold.Status == HoldStatus.Committed && model.Remove(slot, out var hold))
                    {
                        Assert.True(hold.Expires > clock.GetUtcNow(), "An expired hold was sold.");
                        modelQuantity -= hold.Quantity;
                    }
                    else
                    {
                        model.Remove(slot);
                    }

                    break;
                case 3:
                    clock.Advance(TimeSpan.FromSeconds(amount * 7));
                    book.ExpireDue();
                    foreach (var expired in model.Where(pair => pair.Value.Expires <= clock.GetUtcNow()).Select(pair => pair.Key).ToList())
                    {
                        model.Remove(expired);
                    }

                    break;
                case 4:
                    book.Change(album, new StockChange(StockChangeKind.Restock, amount, 5m, null, null, null));
                    modelQuantity += amount;
                    break;
                case 5:
                    if (book.Change(album, new StockChange(StockChangeKind.Adjustment, -amount, null, "shrinkage", null, null)).Status == StockChangeStatus.Applied)
                    {
                        modelQuantity -= amount;
                    }

                    break;
                default:
                    book.Change(album, new StockChange(StockChangeKind.Return, amount, null, null, null, null));
                    modelQuantity += amount;
                    break;
            }

            Assert.Equal(modelQuantity, book.State.Quantity);
            Assert.Equal(ModelReserved(), book.Reserved);
            Assert.InRange(book.Reserved, 0, book.State.Quantity);
            Assert.Equal(book.State.Quantity, InitialQuantity + book.State.PendingLedger.Sum(entry => entry.QuantityChange));
            Assert.InRange(book.State.Version - version, 0, 1);
            Assert.Equal(homed ? 0 : model.Count(pair => pair.Value.Expires > clock.GetUtcNow()), book.State.Holds.Values.Count(hold => hold.ExpiresAt > clock.GetUtcNow()));
        }
    }
}
