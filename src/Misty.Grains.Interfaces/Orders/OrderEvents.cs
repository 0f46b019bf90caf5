namespace Misty.Grains.Interfaces.Orders;

/// <summary>
/// On the <c>orders</c> stream (per order and on the all-feed), after every stored change of an order. Version is the
/// order's version, one more per change; status and channel are the schema's labels.
/// </summary>
[GenerateSerializer, Immutable, Alias("Misty.OrderChanged")]
public sealed record OrderChanged(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] string OrderNumber,
    [property: Id(2)] string Status,
    [property: Id(3)] decimal Total,
    [property: Id(4)] string Channel,
    [property: Id(5)] long Version,
    [property: Id(6)] DateTimeOffset OccurredAt);

/// <summary>
/// On the <c>fraud</c> stream (per order and on the all-feed) when a payment's fraud score reaches the threshold, after
/// the flag is stored. Version counts the order's fraud alerts: 1 for the first.
/// </summary>
[GenerateSerializer, Immutable, Alias("Misty.FraudAlert")]
public sealed record FraudAlert(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] Guid PaymentId,
    [property: Id(2)] Guid CustomerId,
    [property: Id(3)] decimal FraudScore,
    [property: Id(4)] IReadOnlyList<string> Reasons,
    [property: Id(5)] long Version,
    [property: Id(6)] DateTimeOffset OccurredAt);
