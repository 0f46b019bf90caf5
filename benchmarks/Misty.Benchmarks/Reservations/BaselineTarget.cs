using System.Net.Http.Json;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>benchmarks/Misty.Baseline: each reservation one PostgreSQL transaction.</summary>
public sealed class BaselineTarget() : ReservationTarget("baseline")
{
    public override Task<ServiceProcess> StartAsync(BenchmarkWorkspace workspace, CancellationToken cancellationToken)
    {
        var port = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["BASELINE_DB"] = workspace.Postgres.ConnectionString(DatabaseName),
            ["BASELINE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BASELINE_STOREFRONT_KEY"] = StorefrontKey,
        };
        return ServiceProcess.StartAsync(
            Path.Combine(workspace.RepositoryRoot, "benchmarks/Misty.Baseline/bin/Release/net10.0/Misty.Baseline.dll"),
            [],
            workspace.RepositoryRoot,
            environment,
            new Uri($"http://127.0.0.1:{port}"),
            Path.Combine(workspace.LogDirectory, "baseline.log"),
            cancellationToken);
    }

    public override async Task<IReadOnlyList<Guid>> CreateAlbumsAsync(
        ServiceProcess service, int count, int quantity, CancellationToken cancellationToken)
    {
        using var client = CreateStorefrontClient(service, connections: 8);
        return await CreateInParallelAsync(count, async (_, token) =>
        {
            var albumId = Guid.CreateVersion7();
            using var response = await client.PutAsJsonAsync($"/api/stock/{albumId}", new { quantity }, token);
            await EnsureSuccessAsync(response, token);
            return albumId;
        }, cancellationToken);
    }

    public override async Task<IReadOnlySet<Guid>> StoredReservationIdsAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        await using var command = database.CreateCommand("SELECT reservation_id FROM baseline_reservations");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
