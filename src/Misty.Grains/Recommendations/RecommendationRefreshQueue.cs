using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Misty.Grains.Customers;

namespace Misty.Grains.Recommendations;

/// <summary>
/// Redoes a customer's list after their order, off the order's path: the customer's grain queues the customer here and
/// one background loop works the queue. A refresh lost to a crash is made good by the nightly refresh.
/// </summary>
public sealed class RecommendationRefreshQueue(CustomerRecommendationRefresher refresher, ILogger<RecommendationRefreshQueue> logger)
    : BackgroundService, ICustomerPurchaseListener
{
    private readonly Channel<(Guid Customer, IReadOnlyCollection<Guid> Albums)> _queue =
        Channel.CreateUnbounded<(Guid, IReadOnlyCollection<Guid>)>(new UnboundedChannelOptions { SingleReader = true });

    public void Purchased(Guid customerId, IReadOnlyCollection<Guid> albumIds) => _queue.Writer.TryWrite((customerId, albumIds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (customer, albums) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await refresher.RefreshCustomerAsync(customer, albums, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Refreshing the recommendations of customer {Customer} failed; the nightly refresh will redo them.", customer);
            }
        }
    }
}
