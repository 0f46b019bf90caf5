using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Hosting;
using Misty.Grains.Interfaces;
using Misty.Grains.Knowledge;
using Misty.Web;
using Misty.Web.Security;
using Orleans.Runtime;
using Orleans.Streams;

namespace Misty.Tests.Infrastructure;

/// <summary>A real Misty.Web process-in-a-test: Kestrel on 127.0.0.1 on a free port, with its co-hosted silo.</summary>
public sealed class MistyWebNode : IAsyncDisposable
{
    public const string AdminEmail = "admin@test.misty";
    public const string AdminPassword = "correct horse battery staple";
    public const string StorefrontKey = "msk_test_storefront_key";
    public const string DefaultClusterId = "misty-web-test";

    /// <summary>The key ring's key-encryption key, one per test run, so that nodes sharing a database share it too.</summary>
    public static readonly string KeyRingKey = KeyEncryptionKey.Generate();

    /// <summary>
    /// The packaged embedding models, loaded once for the test run rather than by every node that embeds (a case's
    /// triage, an album's indexing): seconds of a core each time. Never disposed: other nodes of the run use it.
    /// </summary>
    private static readonly Lazy<ITextEmbedder> SharedEmbedder = new(() => EmbedderEnsemble.CreateDefault());

    private readonly WebApplication _app;

    private MistyWebNode(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="connectionString">The database (a test's own, on the fixture's server).</param>
    /// <param name="configure">Runs after the test settings are added, e.g. to override one or to capture the log.</param>
    public static async Task<MistyWebNode> StartAsync(
        string connectionString, string clusterId = DefaultClusterId, Action<WebApplicationBuilder>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MISTY_DB"] = connectionString,
            ["MISTY_URLS"] = "http://127.0.0.1:0",
            ["MISTY_CLUSTER_ID"] = clusterId,
            ["MISTY_SILO_PORT"] = LoopbackPorts.Free().ToString(),
            ["MISTY_GATEWAY_PORT"] = LoopbackPorts.Free().ToString(),
            ["MISTY_ADMIN_EMAIL"] = AdminEmail,
            ["MISTY_ADMIN_PASSWORD"] = AdminPassword,
            ["MISTY_STOREFRONT_KEY"] = StorefrontKey,
            [KeyEncryptionKey.Setting] = KeyRingKey,
            // No load balancer to drain from in tests: a node stops at once.
            ["Misty:Shutdown:DrainDelay"] = "00:00:00",
        };
        // The dashboard page is served from the source tree's wwwroot, as `dotnet run` does.
        var app = await MistyWebApp.BuildAsync(["--webroot", DashboardFiles], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            // An instance, not a factory: the node's container does not dispose what it did not create.
            builder.Services.AddSingleton(SharedEmbedder.Value);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new MistyWebNode(app, new Uri(address));
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address };

    /// <summary>How many silos this node sees as active members of its cluster.</summary>
    public async Task<int> ActiveSilosAsync() =>
        (await Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;

    /// <summary>
    /// A client whose connections come from <paramref name="from"/>, any 127.x.y.z (all loopback on Linux), so that a
    /// test can call as several client addresses.
    /// </summary>
    public HttpClient CreateClientFrom(IPAddress from) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = Address };

    /// <summary>
    /// Follows a namespace's all-entities feed through the node's own client, as a stream of objects: the node's
    /// dashboard forwarder holds these streams that way, and one process may hold a stream only as one type.
    /// </summary>
    public Task<StreamSubscriptionHandle<object>> FollowAllAsync<TEvent>(string streamNamespace, Action<TEvent> onEvent) =>
        Services.GetRequiredService<IClusterClient>().GetStreamProvider(MistyStreams.Provider)
            .GetStream<object>(StreamId.Create(streamNamespace, MistyStreams.AllKey))
            .SubscribeAsync((item, _) =>
            {
                onEvent(Assert.IsType<TEvent>(item));
                return Task.CompletedTask;
            });

    /// <summary>src/Misty.Web/wwwroot of the checkout the tests run from.</summary>
    public static string DashboardFiles { get; } = Path.Combine(RepositoryRoot(), "src", "Misty.Web", "wwwroot");

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Misty.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the Misty checkout: no Misty.sln above " + AppContext.BaseDirectory);
    }

    public async Task<HttpClient> CreateStaffClientAsync()
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = AdminEmail, password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var login = await response.Content.ReadFromJsonAsync<LoginBody>();
        client.DefaultRequestHeaders.Authorization = new("Bearer", login!.AccessToken);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }


    private sealed record LoginBody(string AccessToken, DateTimeOffset ExpiresAt);
}
