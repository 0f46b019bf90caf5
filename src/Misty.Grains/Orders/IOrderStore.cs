namespace Misty.Grains.Orders;

/// <summary>What an order needs to know about an album: its price and what makes it risky or collectable.</summary>
public sealed record AlbumFacts(Guid AlbumId, decimal Price, bool IsRare, decimal? EstimatedValue, string? Genre);

/// <summary>
/// The relational side of orders: albums to price lines from, order numbers, seeded orders that a new grain starts
/// from, and the rows the grain's state is projected to (orders, order_items, payments, shipments).
/// </summary>
public interface IOrderStore
{
    /// <returns>The albums that exist (deleted ones are missing from the answer).</returns>
    Task<IReadOnlyDictionary<Guid, AlbumFacts>> LoadAlbumsAsync(IReadOnlyCollection<Guid> albumIds, CancellationToken cancellationToken);

    /// <summary>A new order number, unique across the cluster: "MST-2026-000123".</summary>
    Task<string> NextOrderNumberAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <returns>The order's rows as grain state (for orders that exist only as rows, e.g. seeded ones), or null.</returns>
    Task<OrderState?> LoadOrderAsync(Guid orderId, CancellationToken cancellationToken);

    /// <returns>The order a payment or shipment row belongs to, or null.</returns>
    Task<Guid?> FindOrderOfPartAsync(Guid partId, CancellationToken cancellationToken);

    /// <returns>The carrier's average time from shipping to delivery over its delivered shipments, or null with no history.</returns>
    Task<TimeSpan?> AverageTransitAsync(string carrier, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the order's rows as of <paramref name="order"/>; idempotent. Rows only move forward in version, unless
    /// <paramref name="overwrite"/> rebuilds them from the grain whatever they hold.
    /// </summary>
    Task ProjectAsync(Guid orderId, OrderState order, bool overwrite, CancellationToken cancellationToken);
}
