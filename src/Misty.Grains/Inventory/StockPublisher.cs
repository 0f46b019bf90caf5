using Microsoft.Extensions.Logging;
using Misty.Grains.Interfaces.Inventory;
using Orleans.Streams;

namespace Misty.Grains.Inventory;

/// <summary>
/// Publishes an album's stored stock changes in order, as one stream batch per turn: a busy album stores several changes
/// per write, and a batch costs one queue call where single events cost one each. Subscribers still get every event.
/// Runs on its grain's scheduler.
/// </summary>
internal sealed class StockPublisher(IAsyncStream<IStockEvent> album, IAsyncStream<IStockEvent> allStocks, Guid albumId, ILogger logger)
{
    private List<IStockEvent> _unpublished = [];
    private bool _publishing;

    public void Publish(List<IStockEvent> events)
    {
        _unpublished.AddRange(events);
        if (!_publishing && _unpublished.Count > 0)
        {
            _ = PublishAsync();
        }
    }

    private async Task PublishAsync()
    {
        _publishing = true;
        try
        {
            while (_unpublished.Count > 0)
            {
                var batch = _unpublished;
                _unpublished = [];
                try
                {
                    await album.OnNextBatchAsync(batch);
                    // Dashboards watch every album's low stock without subscribing to each album.
                    if (batch.OfType<LowStock>().ToList() is { Count: > 0 } lowStock)
                    {
                        await allStocks.OnNextBatchAsync(lowStock);
                    }
                }
                catch (Exception ex)
                {
                    // Subscribers see the gap in versions and re-read a snapshot; the state itself is stored.
                    logger.LogWarning(ex, "Publishing {Count} stock events up to v{Version} for album {AlbumId} failed.", batch.Count, batch[^1].Version, albumId);
                }
            }
        }
        finally
        {
            _publishing = false;
        }
    }
}
