using Misty.Grains.Hosting;
using Misty.Persistence.Local;

namespace Misty.Tests.Infrastructure;

/// <summary>A throwaway PostgreSQL server in a temporary folder, listening on 127.0.0.1 on a free port.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly LocalPostgres _server;

    private PostgresServer(LocalPostgres server) => _server = server;

    public int Port => _server.Port;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=30;Timeout=30;Connection Idle Lifetime=10";

    /// <param name="synchronousCommit">
    /// On: a commit is in the operating system's hands before it is acknowledged, so it survives the server's crash
    /// (<see cref="StopAsync"/>); off (the default, faster): the last fraction of a second of commits may not.
    /// </param>
    public static async Task<PostgresServer> StartAsync(bool synchronousCommit = false)
    {
        var root = Path.Combine(Path.GetTempPath(), "misty-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var port = LoopbackPorts.Free();
        // fsync off: test databases are throwaway; durability is measured in the benchmarks, not here.
        var server = new LocalPostgres(Path.Combine(root, "data"), port, LocalPostgres.Settings(root, port,
            $"-c fsync=off -c synchronous_commit={(synchronousCommit ? "on" : "off")} -c full_page_writes=off -c max_connections=1000 -c shared_buffers=128MB"));
        await server.InitAsync("postgres", passwordFile: null, durable: false);
        await server.StartAsync();
        return new PostgresServer(server);
    }

    /// <summary>Stops the server the way a crash does (no checkpoint, connections cut), keeping its data.</summary>
    public Task StopAsync() => _server.StopAsync(immediate: true);

    /// <summary>Starts the stopped server again on the same port; it recovers from its log as after a crash.</summary>
    public Task StartAgainAsync() => _server.StartAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // A test stopped it and failed before starting it again.
        }

        try
        {
            Directory.Delete(_server.Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the server is already stopped.
        }
    }
}
