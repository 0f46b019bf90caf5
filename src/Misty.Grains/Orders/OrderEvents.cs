using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Orders;
using Orleans.Runtime;
using Orleans.Streams;

namespace Misty.Grains.Orders;

/// <summary>Where an order's stored changes are announced: OrderChanged on its own feed and the all-orders feed, FraudAlert likewise.</summary>
public static class OrderEvents
{
    public static async Task PublishAsync(IStreamProvider streams, Guid orderId, IReadOnlyList<object> changes)
    {
        foreach (var change in changes)
        {
            switch (change)
            {
                case OrderChanged changed:
                    await streams.GetStream<OrderChanged>(StreamId.Create(MistyStreams.Orders, orderId)).OnNextAsync(changed);
                    await streams.GetStream<OrderChanged>(StreamId.Create(MistyStreams.Orders, MistyStreams.AllKey)).OnNextAsync(changed);
                    break;
                case FraudAlert alert:
                    await streams.GetStream<FraudAlert>(StreamId.Create(MistyStreams.Fraud, orderId)).OnNextAsync(alert);
                    await streams.GetStream<FraudAlert>(StreamId.Create(MistyStreams.Fraud, MistyStreams.AllKey)).OnNextAsync(alert);
                    break;
                default:
                    throw new ArgumentException($"An order does not announce {change.GetType().Name}.", nameof(changes));
            }
        }
    }
}
