using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Reservations;

namespace Misty.Tests.Reservations;

[Trait("Category", "Unit")]
public sealed class StableIdsTests
{
    [Fact]
    public void Derived_ids_never_change_since_stored_grains_and_rows_are_keyed_by_them()
    {
        // The built-in case SLA sweep's id as a database of 2026-12 holds it.
        Assert.Equal(Guid.Parse("70ed35f8-b220-88b3-8abf-69dd7dc74519"), StableIds.From("misty-workflow:case-sla-sweep"));
        Assert.Equal(StableIds.From("key:1\nabc"), ReservationsApi.ReservationIdFor("key:1", "abc"));
        Assert.Equal(StableIds.From($"order-of-reservation\n{Guid.Empty:N}"), OrderIds.ForReservation(Guid.Empty));
    }

    [Fact]
    public void Derived_ids_are_version_8_uuids_that_differ_by_name()
    {
        var id = StableIds.From("a");

        Assert.Equal(8, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        Assert.NotEqual(id, StableIds.From("b"));
    }
}
