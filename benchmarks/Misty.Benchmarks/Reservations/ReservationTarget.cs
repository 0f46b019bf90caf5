using System.Net;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>Where a run keeps its things: the repository (for the builds), the database server, the log folder.</summary>
public sealed record BenchmarkWorkspace(string RepositoryRoot, DurablePostgres Postgres, string LogDirectory);

/// <summary>
/// One system under test: how to start it on its own database, create stocked albums through its API, and read
/// back which reservations it stored (for the durability check).
/// </summary>
public abstract class ReservationTarget(string name)
{
    private const int SeedingParallelism = 8;

    public string Name => name;

    /// <summary>The storefront key the load sends as X-Api-Key.</summary>
    public string StorefrontKey { get; } = "bench_" + Guid.NewGuid().ToString("N");

    public string DatabaseName => $"bench_{name}";

    public abstract Task<ServiceProcess> StartAsync(BenchmarkWorkspace workspace, CancellationToken cancellationToken);

    /// <summary>Creates <paramref name="count"/> albums with <paramref name="quantity"/> units each; returns their ids.</summary>
    public abstract Task<IReadOnlyList<Guid>> CreateAlbumsAsync(ServiceProcess service, int count, int quantity, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the work the system does in the background after its albums were created is done, so that the
    /// windows measure reservations only; returns how long it took.
    /// </summary>
    public virtual Task<TimeSpan> SettleAsync(NpgsqlDataSource database, CancellationToken cancellationToken) => Task.FromResult(TimeSpan.Zero);

    /// <summary>Every reservation id the system has stored in its database, held or released.</summary>
    public abstract Task<IReadOnlySet<Guid>> StoredReservationIdsAsync(NpgsqlDataSource database, CancellationToken cancellationToken);

    /// <summary>A client that calls as the storefront (X-Api-Key) over at most <paramref name="connections"/> connections.</summary>
    public HttpClient CreateStorefrontClient(ServiceProcess service, int connections)
    {
        var client = CreateClient(service, connections);
        client.DefaultRequestHeaders.Add("X-Api-Key", StorefrontKey);
        return client;
    }

    protected static HttpClient CreateClient(ServiceProcess service, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler) { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(10) };
    }

    protected static async Task<IReadOnlyList<Guid>> CreateInParallelAsync(
        int count, Func<int, CancellationToken, Task<Guid>> create, CancellationToken cancellationToken)
    {
        var ids = new Guid[count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = SeedingParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, token) => ids[i] = await create(i, token));
        return ids;
    }

    // The problem details say why setup failed, which a bare status code does not.
    protected static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: " +
                await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }
}
