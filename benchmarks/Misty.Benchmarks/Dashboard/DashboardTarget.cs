using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Misty.Benchmarks.Reservations;

namespace Misty.Benchmarks.Dashboard;

/// <summary>Misty.Web (Release, co-hosted silo) on its own database, with a staff token for restocks and hub connections.</summary>
public sealed class DashboardTarget : IDisposable
{
    public const string DatabaseName = "bench_dashboard";
    private const string AdminEmail = "bench@misty.local";

    private DashboardTarget(ServiceProcess service, HttpClient http, string token)
    {
        Service = service;
        Http = http;
        Token = token;
    }

    public ServiceProcess Service { get; }

    /// <summary>A staff client over enough connections for the open-loop load.</summary>
    public HttpClient Http { get; }

    public string Token { get; }

    public static async Task<DashboardTarget> StartAsync(string repositoryRoot, DurablePostgres postgres, CancellationToken cancellationToken)
    {
        await postgres.CreateDatabaseAsync(DatabaseName, cancellationToken);
        var password = "bench-" + Guid.NewGuid().ToString("N");
        var port = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["MISTY_DB"] = postgres.ConnectionString(DatabaseName),
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
        using var login = await http.PostAsJsonAsync("/api/auth/login", new { email = AdminEmail, password }, cancellationToken);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<Login>(cancellationToken))!.AccessToken;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new DashboardTarget(service, http, token);
    }

    public async Task<Guid[]> CreateAlbumsAsync(string batch, int count, CancellationToken cancellationToken)
    {
        var ids = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            var album = new NewAlbumBody($"DASH-{batch}-{i:D4}", $"Live {batch} {i}", "The Dashboards");
            using var created = await Http.PostAsJsonAsync("/api/albums", album, cancellationToken);
            created.EnsureSuccessStatusCode();
            ids[i] = (await created.Content.ReadFromJsonAsync<Created>(cancellationToken))!.AlbumId;
        }

        return ids;
    }

    /// <summary>The album's stock version now, from its inventory grain.</summary>
    public async Task<long> VersionAsync(Guid albumId, CancellationToken cancellationToken) =>
        (await Http.GetFromJsonAsync<Stock>($"/api/inventory/{albumId}", cancellationToken))!.Version;

    public void Dispose()
    {
        Http.Dispose();
        Service.Dispose();
    }

    private sealed record Login(string AccessToken);

    private sealed record Created(Guid AlbumId);

    private sealed record Stock(long Version);
}
