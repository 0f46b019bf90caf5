using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>A scenario: how many albums the load spreads over, each stocked with <paramref name="Stock"/> units.</summary>
public sealed record Scenario(string Name, int Albums, int Stock);

/// <summary>One measured window: what the workers saw between <paramref name="From"/> and <paramref name="To"/>.</summary>
public sealed record MeasuredWindow(IReadOnlyList<WorkerTally> Tallies, long From, long To, ResourceUsage Usage);

/// <summary>
/// A started system under test with its albums and client, every reservation it acknowledged so far and its
/// measured windows per scenario. Disposing it kills the service.
/// </summary>
public sealed class RunningTarget : IAsyncDisposable
{
    private RunningTarget(
        ReservationTarget target, ServiceProcess service, NpgsqlDataSource database, HttpClient client, ResourceMeter meter,
        IReadOnlyDictionary<string, byte[][]> bodies)
    {
        Target = target;
        Service = service;
        Database = database;
        Client = client;
        Meter = meter;
        Bodies = bodies;
    }

    public ReservationTarget Target { get; }

    public string Name => Target.Name;

    public ServiceProcess Service { get; }

    public NpgsqlDataSource Database { get; }

    public HttpClient Client { get; }

    public ResourceMeter Meter { get; }

    /// <summary>Per scenario, one encoded reserve request per album of that scenario.</summary>
    public IReadOnlyDictionary<string, byte[][]> Bodies { get; }

    public List<Guid> Acknowledged { get; } = [];

    public Dictionary<string, List<MeasuredWindow>> Windows { get; } = [];

    /// <summary>Creates the target's database, starts the service and creates every scenario's albums through its API.</summary>
    public static async Task<RunningTarget> StartAsync(
        ReservationTarget target, BenchmarkWorkspace workspace, IReadOnlyList<Scenario> scenarios, int connections, CancellationToken cancellationToken)
    {
        await workspace.Postgres.CreateDatabaseAsync(target.DatabaseName, cancellationToken);
        var database = NpgsqlDataSource.Create(workspace.Postgres.ConnectionString(target.DatabaseName));
        ServiceProcess? service = null;
        try
        {
            service = await target.StartAsync(workspace, cancellationToken);
            Console.WriteLine($"{target.Name}: ready at {service.Address} (log: {service.LogPath}); creating albums");
            var bodies = new Dictionary<string, byte[][]>();
            foreach (var scenario in scenarios)
            {
                var albums = await target.CreateAlbumsAsync(service, scenario.Albums, scenario.Stock, cancellationToken);
                bodies[scenario.Name] = [.. albums.Select(ClosedLoopLoad.ReserveOneBody)];
            }

            var settled = await target.SettleAsync(database, cancellationToken);
            Console.WriteLine($"{target.Name}: background work after creating the albums done in {settled.TotalSeconds:F0} s");
            var meter = new ResourceMeter(service.Id, workspace.Postgres.PostmasterPid(), database, target.DatabaseName);
            return new RunningTarget(target, service, database, target.CreateStorefrontClient(service, connections), meter, bodies);
        }
        catch
        {
            service?.Dispose();
            await database.DisposeAsync();
            throw;
        }
    }

    public void Record(string scenario, MeasuredWindow window)
    {
        if (!Windows.TryGetValue(scenario, out var windows))
        {
            Windows[scenario] = windows = [];
        }

        windows.Add(window);
        Acknowledged.AddRange(window.Tallies.SelectMany(tally => tally.Acknowledged));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Service.Dispose();
        await Database.DisposeAsync();
    }
}
