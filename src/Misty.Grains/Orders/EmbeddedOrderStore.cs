using System.Globalization;

namespace Misty.Grains.Orders;

/// <summary>The embedded in-memory mode has no catalog rows: no album exists there, so no order can be placed; nothing is projected.</summary>
public sealed class EmbeddedOrderStore : IOrderStore
{
    private long _lastNumber;

    public Task<IReadOnlyDictionary<Guid, AlbumFacts>> LoadAlbumsAsync(IReadOnlyCollection<Guid> albumIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<Guid, AlbumFacts>>(new Dictionary<Guid, AlbumFacts>());

    /// <summary>The embedded mode is a single silo, so a process-wide counter is unique.</summary>
    public Task<string> NextOrderNumberAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult(string.Create(CultureInfo.InvariantCulture, $"MST-{at.UtcDateTime.Year}-{Interlocked.Increment(ref _lastNumber):D6}"));

    public Task<OrderState?> LoadOrderAsync(Guid orderId, CancellationToken cancellationToken) => Task.FromResult<OrderState?>(null);

    public Task<Guid?> FindOrderOfPartAsync(Guid partId, CancellationToken cancellationToken) => Task.FromResult<Guid?>(null);

    public Task<TimeSpan?> AverageTransitAsync(string carrier, CancellationToken cancellationToken) => Task.FromResult<TimeSpan?>(null);

    public Task ProjectAsync(Guid orderId, OrderState order, bool overwrite, CancellationToken cancellationToken) => Task.CompletedTask;
}
