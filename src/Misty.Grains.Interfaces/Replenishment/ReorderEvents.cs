namespace Misty.Grains.Interfaces.Replenishment;

/// <summary>
/// A reorder line as the dashboard shows it, after a change: queued by the planner, topped up, approved, dismissed,
/// ordered or (partly) received. Published on <see cref="MistyStreams.Replenishment"/>; <paramref name="Version"/>
/// grows by one per change of the line.
/// </summary>
/// <param name="Status">A reorder_queue.status value: pending, approved, ordered, received or dismissed.</param>
/// <param name="Priority">A reorder_queue.priority value.</param>
[GenerateSerializer, Immutable, Alias("Misty.ReorderChanged")]
public sealed record ReorderChanged(
    [property: Id(0)] Guid ReorderId,
    [property: Id(1)] Guid AlbumId,
    [property: Id(2)] string Sku,
    [property: Id(3)] Guid? SupplierId,
    [property: Id(4)] string Status,
    [property: Id(5)] string Priority,
    [property: Id(6)] int Quantity,
    [property: Id(7)] int ReceivedQuantity,
    [property: Id(8)] decimal? TotalCost,
    [property: Id(9)] long Version,
    [property: Id(10)] DateTimeOffset UpdatedAt)
{
    public ReorderQueued Queued(string insight) =>
        new(ReorderId, AlbumId, Sku, SupplierId, Status, Priority, Quantity, ReceivedQuantity, TotalCost, Version, UpdatedAt, insight);
}

/// <summary>The planner queued a new line (or topped up a pending one): the line as after the change, and the sentence that explains it.</summary>
[GenerateSerializer, Immutable, Alias("Misty.ReorderQueued")]
public sealed record ReorderQueued(
    [property: Id(0)] Guid ReorderId,
    [property: Id(1)] Guid AlbumId,
    [property: Id(2)] string Sku,
    [property: Id(3)] Guid? SupplierId,
    [property: Id(4)] string Status,
    [property: Id(5)] string Priority,
    [property: Id(6)] int Quantity,
    [property: Id(7)] int ReceivedQuantity,
    [property: Id(8)] decimal? TotalCost,
    [property: Id(9)] long Version,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] string Insight);
