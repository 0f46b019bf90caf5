using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Orders;

namespace Misty.Tests.Orders;

[Trait("Category", "Unit")]
public sealed class OrderLifecycleTests
{
    [Theory]
    [InlineData(OrderStatus.Pending, OrderStatus.Processing, SalesChannel.Online, true)]
    [InlineData(OrderStatus.Processing, OrderStatus.Shipped, SalesChannel.Online, true)]
    [InlineData(OrderStatus.Shipped, OrderStatus.Delivered, SalesChannel.Phone, true)]
    [InlineData(OrderStatus.Processing, OrderStatus.Delivered, SalesChannel.InStore, true)]
    [InlineData(OrderStatus.Processing, OrderStatus.Delivered, SalesChannel.Online, false)]
    [InlineData(OrderStatus.Processing, OrderStatus.Shipped, SalesChannel.InStore, false)]
    [InlineData(OrderStatus.Pending, OrderStatus.Shipped, SalesChannel.Online, false)]
    [InlineData(OrderStatus.Shipped, OrderStatus.Cancelled, SalesChannel.Online, true)]
    [InlineData(OrderStatus.Delivered, OrderStatus.Cancelled, SalesChannel.Online, false)]
    [InlineData(OrderStatus.Cancelled, OrderStatus.Pending, SalesChannel.Online, false)]
    [InlineData(OrderStatus.Delivered, OrderStatus.Shipped, SalesChannel.Online, false)]
    public void Only_the_listed_transitions_are_allowed(OrderStatus from, OrderStatus to, SalesChannel channel, bool allowed) =>
        Assert.Equal(allowed, OrderLifecycle.CanMove(from, to, channel));

    [Fact]
    public void Shipments_only_move_forward() =>
        Assert.Equal(
            [false, true, true, true, false, false],
            [
                OrderLifecycle.CanMove(ShipmentStatus.Preparing, ShipmentStatus.Preparing),
                OrderLifecycle.CanMove(ShipmentStatus.Preparing, ShipmentStatus.Shipped),
                OrderLifecycle.CanMove(ShipmentStatus.Shipped, ShipmentStatus.Delivered),
                OrderLifecycle.CanMove(ShipmentStatus.InTransit, ShipmentStatus.Delivered),
                OrderLifecycle.CanMove(ShipmentStatus.Delivered, ShipmentStatus.InTransit),
                OrderLifecycle.CanMove(ShipmentStatus.Shipped, ShipmentStatus.Preparing),
            ]);

    [Fact]
    public void The_order_follows_its_shipments()
    {
        Assert.Equal(OrderStatus.Processing, OrderLifecycle.Follow(OrderStatus.Processing, [ShipmentStatus.Preparing]));
        Assert.Equal(OrderStatus.Shipped, OrderLifecycle.Follow(OrderStatus.Processing, [ShipmentStatus.Preparing, ShipmentStatus.InTransit]));
        Assert.Equal(OrderStatus.Shipped, OrderLifecycle.Follow(OrderStatus.Shipped, [ShipmentStatus.Delivered, ShipmentStatus.Shipped]));
        Assert.Equal(OrderStatus.Delivered, OrderLifecycle.Follow(OrderStatus.Shipped, [ShipmentStatus.Delivered, ShipmentStatus.Delivered]));
        Assert.Equal(OrderStatus.Cancelled, OrderLifecycle.Follow(OrderStatus.Cancelled, [ShipmentStatus.Delivered]));
    }
}
