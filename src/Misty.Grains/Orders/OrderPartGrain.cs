using Misty.Grains.Interfaces.Orders;
using Orleans.Runtime;

namespace Misty.Grains.Orders;

[GenerateSerializer, Alias("Misty.OrderPartState")]
public sealed class OrderPartState
{
    [Id(0)] public Guid? OrderId { get; set; }
}

/// <summary>Which order a payment or shipment belongs to: stored for new parts, read from the rows for seeded ones.</summary>
[GrainType("order-part")]
public sealed class OrderPartGrain([PersistentState("order-part")] IPersistentState<OrderPartState> state, IOrderStore store) : Grain, IOrderPartGrain
{
    private Guid? _seeded;

    public async Task<Guid?> GetOrderAsync() =>
        state.State.OrderId ?? (_seeded ??= await store.FindOrderOfPartAsync(this.GetPrimaryKey(), CancellationToken.None));

    public async Task LinkAsync(Guid orderId)
    {
        if (state.State.OrderId == orderId)
        {
            return;
        }

        if (state.State.OrderId is { } other)
        {
            throw new InvalidOperationException($"Part {this.GetPrimaryKey()} already belongs to order {other}.");
        }

        state.State.OrderId = orderId;
        await state.WriteStateAsync();
    }
}
