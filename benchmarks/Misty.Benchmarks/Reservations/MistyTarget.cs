using System.Globalization;
using System.Net.Http.Headers;
using Misty.Client;
using Misty.Grains.Interfaces.Knowledge;
using Misty.Grains.Knowledge;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>Misty.Web with its co-hosted silo, as ./run.sh starts it, on its own database; its setup calls go through Misty.Client.</summary>
public sealed class MistyTarget() : ReservationTarget("misty")
{
    private const string AdminEmail = "bench@misty.local";
    private readonly string _adminPassword = "bench-" + Guid.NewGuid().ToString("N");

    public override Task<ServiceProcess> StartAsync(BenchmarkWorkspace workspace, CancellationToken cancellationToken)
    {
        var port = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["MISTY_DB"] = workspace.Postgres.ConnectionString(DatabaseName),
            ["MISTY_URLS"] = $"http://127.0.0.1:{port}",
            ["MISTY_ADMIN_EMAIL"] = AdminEmail,
            ["MISTY_ADMIN_PASSWORD"] = _adminPassword,
            // A fresh key-encryption key for the key ring: a production start refuses to run without one.
            ["MISTY_KEYRING_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["MISTY_STOREFRONT_KEY"] = StorefrontKey,
            ["MISTY_SILO_PORT"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["MISTY_GATEWAY_PORT"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            // One storefront key sends all the load (two requests per reservation): measure reservations, not the
            // per-key rate limit, which the baseline does not have either.
            ["MISTY_STOREFRONT_RATE_LIMIT"] = "1000000",
            // As ./run.sh sets it: hot methods reach optimized, profile-guided code within the first seconds of load.
            ["DOTNET_TC_CallCountingDelayMs"] = "0",
        };
        return ServiceProcess.StartAsync(
            Path.Combine(workspace.RepositoryRoot, "src/Misty.Web/bin/Release/net10.0/Misty.Web.dll"),
            // Absolute: a relative content root resolves against the dll's folder, not the working directory.
            ["--contentRoot", Path.Combine(workspace.RepositoryRoot, "src/Misty.Web")],
            workspace.RepositoryRoot,
            environment,
            new Uri($"http://127.0.0.1:{port}"),
            Path.Combine(workspace.LogDirectory, "misty.log"),
            cancellationToken);
    }

    public override async Task<IReadOnlyList<Guid>> CreateAlbumsAsync(
        ServiceProcess service, int count, int quantity, CancellationToken cancellationToken)
    {
        // Staff only: Misty answers 403 to a staff call that also carries a storefront key.
        using var http = CreateClient(service, connections: 8);
        var staff = new MistyClient(http);
        var login = await staff.LoginAsync(new LoginRequest { Email = AdminEmail, Password = _adminPassword }, cancellationToken);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.AccessToken);
        var batch = Guid.NewGuid().ToString("N")[..8];
        return await CreateInParallelAsync(count, async (i, token) =>
        {
            var album = await staff.CreateAlbumAsync(BenchmarkAlbums.Request($"BENCH-{batch}-{i:D5}", $"Flash Sale {i}", "The Benchmarks"), token);
            await staff.RestockAlbumAsync(album.AlbumId, new RestockRequest { Quantity = quantity }, cancellationToken: token);
            return album.AlbumId;
        }, cancellationToken);
    }

    /// <summary>
    /// New albums are embedded for the knowledge index on a background queue (one core at most); a shop's albums are
    /// indexed long before a sale, so the windows start once none is waiting.
    /// </summary>
    public override async Task<TimeSpan> SettleAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        // The index's own rule for an album waiting to be embedded.
        var index = new KnowledgeStore(database);
        while ((await index.PendingAsync(KnowledgeKinds.Album, limit: 1, cancellationToken)).Count > 0)
        {
            if (started.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("The knowledge index did not take in the benchmark's albums within 5 minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return started.Elapsed;
    }

    /// <summary>
    /// Reservation grains' stored states. Their id is the grain key, which Orleans' ADO.NET storage keeps as the
    /// Guid's two 8-byte halves (grainidn0, grainidn1) in the order of <see cref="Guid.ToByteArray()"/>.
    /// </summary>
    public override async Task<IReadOnlySet<Guid>> StoredReservationIdsAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        await using var command = database.CreateCommand(
            "SELECT grainidn0, grainidn1 FROM orleansstorage WHERE graintypestring = 'reservation' AND payloadbinary IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var bytes = new byte[16];
        while (await reader.ReadAsync(cancellationToken))
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), reader.GetInt64(0));
            BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), reader.GetInt64(1));
            ids.Add(new Guid(bytes));
        }

        return ids;
    }
}
