namespace Misty.Grains.Interfaces.Inventory;

/// <summary>Events on the <c>stock</c> stream, keyed by album id. Version grows by one per change of the album's stock.</summary>
public interface IStockEvent
{
    Guid AlbumId { get; }
    long Version { get; }
    DateTimeOffset OccurredAt { get; }
}

[GenerateSerializer, Immutable, Alias("Misty.StockChanged")]
public sealed record StockChanged(
    [property: Id(0)] Guid AlbumId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Quantity,
    [property: Id(3)] int Reserved,
    [property: Id(4)] int Available,
    [property: Id(5)] long Version,
    [property: Id(6)] DateTimeOffset OccurredAt) : IStockEvent;

/// <summary>Available stock fell to or below the reorder point.</summary>
/// <param name="Title">The album's title and artist where the sender knows them (the dashboard snapshot); the album's own
/// event leaves them out, so its hot state carries no catalogue text.</param>
[GenerateSerializer, Immutable, Alias("Misty.LowStock")]
public sealed record LowStock(
    [property: Id(0)] Guid AlbumId,
    [property: Id(1)] string Sku,
    [property: Id(2)] int Available,
    [property: Id(3)] int ReorderPoint,
    [property: Id(4)] long Version,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] string? Title = null,
    [property: Id(7)] string? Artist = null) : IStockEvent;
