using System.Globalization;
using System.Net.Http.Headers;
using Misty.Benchmarks.Reservations;
using Misty.Client;

namespace Misty.Benchmarks.Dashboard;

/// <summary>
/// Misty.Web (Release, co-hosted silo) on its own database, with a staff token for restocks and hub connections. The
/// setup calls go through Misty.Client; the measured restocks stay on the raw HttpClient (LatencyRound).
/// </summary>
public sealed class DashboardTarget : IDisposable
{
    public const string DatabaseName = "bench_dashboard";
    private const string AdminEmail = "bench@misty.local";

    private DashboardTarget(ServiceProcess service, HttpClient http, string token)
    {
        Service = service;
        Http = http;
        Token = token;
        Client = new MistyClient(http);
    }

    public ServiceProcess Service { get; }

    /// <summary>A staff client over enough connections for the open-loop load.</summary>
    public HttpClient Http { get; }

    public string Token { get; }

    /// <summary>The generated client over <see cref="Http"/>, signed in as staff.</summary>
    public MistyClient Client { get; }

    public static async Task<DashboardTarget> StartAsync(string repositoryRoot, DurablePostgres postgres, CancellationToken cancellationToken)
    {
        await postgres.CreateDatabaseAsync(DatabaseName, cancellationToken);
        return await StartOnAsync(repositoryRoot, postgres, DatabaseName, cancellationToken);
    }

    /// <summary>
    /// Misty.Web on a database that exists already (the reports benchmark seeds it first), with <paramref name="settings"/>
    /// added to its environment.
    /// </summary>
    public static async Task<DashboardTarget> StartOnAsync(string repositoryRoot, DurablePostgres postgres, string database, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var password = "bench-" + Guid.NewGuid().ToString("N");
        var port = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["MISTY_DB"] = postgres.ConnectionString(database),
            ["MISTY_URLS"] = $"http://127.0.0.1:{port}",
            ["MISTY_ADMIN_EMAIL"] = AdminEmail,
            ["MISTY_ADMIN_PASSWORD"] = password,
            // A fresh key-encryption key for the key ring: a production start refuses to run without one.
            ["MISTY_KEYRING_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["MISTY_SILO_PORT"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["MISTY_GATEWAY_PORT"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            // A log line per request would cost more than what is measured.
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var service = await ServiceProcess.StartAsync(
            Path.Combine(repositoryRoot, "src/Misty.Web/bin/Release/net10.0/Misty.Web.dll"),
            ["--contentRoot", Path.Combine(repositoryRoot, "src/Misty.Web")],
            repositoryRoot,
            environment,
            new Uri($"http://127.0.0.1:{port}"),
            Path.Combine(postgres.Root, "misty.log"),
            cancellationToken);
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseProxy = false, UseCookies = false })
        {
            BaseAddress = service.Address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var token = (await new MistyClient(http).LoginAsync(new LoginRequest { Email = AdminEmail, Password = password }, cancellationToken)).AccessToken;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new DashboardTarget(service, http, token);
    }

    public async Task<Guid[]> CreateAlbumsAsync(string batch, int count, CancellationToken cancellationToken)
    {
        var ids = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            var album = new CreateAlbumRequest
            {
                Sku = $"DASH-{batch}-{i:D4}",
                Title = $"Live {batch} {i}",
                Artist = "The Dashboards",
                Genre = "Rock",
                Label = "Misty Records",
                ReleaseYear = 2026,
                Price = 24.99m,
                Cost = 12.50m,
                Condition = "NM",
            };
            ids[i] = (await Client.CreateAlbumAsync(album, cancellationToken)).AlbumId;
        }

        return ids;
    }

    /// <summary>The album's stock version now, from its inventory grain.</summary>
    public async Task<long> VersionAsync(Guid albumId, CancellationToken cancellationToken) =>
        (await Client.GetInventoryAsync(albumId, cancellationToken)).Version;

    public void Dispose()
    {
        Http.Dispose();
        Service.Dispose();
    }
}
