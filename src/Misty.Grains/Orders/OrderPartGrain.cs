using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
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
public sealed class OrderPartGrain(
    [PersistentState("order-part")] IPersistentState<OrderPartState> state,
    IOrderStore store,
    ILogger<OrderPartGrain> logger) : Grain, IOrderPartGrain
{
    private StatePipeline<OrderPartState, object> _pipeline = null!;
    private Guid? _seeded;

    private OrderPartState Part => _pipeline.Current;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pipeline = state.StoreOnly(this, logger, $"order part {this.GetPrimaryKey()}");
        return Task.CompletedTask;
    }

    public async Task<Guid?> GetOrderAsync() =>
        Part.OrderId ?? (_seeded ??= await store.FindOrderOfPartAsync(this.GetPrimaryKey(), CancellationToken.None));

    public async Task LinkAsync(Guid orderId)
    {
        if (Part.OrderId == orderId)
        {
            return;
        }

        if (Part.OrderId is { } other)
        {
            throw new InvalidOperationException($"Part {this.GetPrimaryKey()} already belongs to order {other}.");
        }

        Part.OrderId = orderId;
        await _pipeline.StoreAsync();
    }
}
