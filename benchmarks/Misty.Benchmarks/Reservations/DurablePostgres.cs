using Misty.Persistence.Local;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>
/// A throwaway PostgreSQL server for one benchmark run, in a temporary folder on 127.0.0.1 and a free port, with
/// the default durability made explicit (fsync, synchronous_commit): a commit is acknowledged once its WAL is on disk.
/// </summary>
public sealed class DurablePostgres
{
    private const string Superuser = "postgres";
    private readonly LocalPostgres _server;

    private DurablePostgres(LocalPostgres server) => _server = server;

    /// <summary>The temporary folder: data directory, server log and the services' logs.</summary>
    public string Root => _server.Root;

    public int Port => _server.Port;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={Superuser};Database={database};Timeout=30;Command Timeout=120";

    /// <param name="trackStatements">Loads pg_stat_statements, for a breakdown of what the services ask of the server.</param>
    public static async Task<DurablePostgres> StartAsync(bool trackStatements, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "misty-bench-" + Guid.NewGuid().ToString("N")[..12]);
        var port = Loopback.FreePort();
        var server = new LocalPostgres(Path.Combine(root, "data"), port, LocalPostgres.Settings(root, port,
            "-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=300" +
            (trackStatements ? " -c shared_preload_libraries=pg_stat_statements" : "")));
        await server.InitAsync(Superuser, passwordFile: null, durable: true, cancellationToken);
        await server.StartAsync(cancellationToken);
        return new DurablePostgres(server);
    }

    /// <summary>Stops the server as a crash does (no checkpoint, every connection cut), keeping its data.</summary>
    public Task CrashAsync() => _server.StopAsync(immediate: true);

    /// <summary>Starts the server (again): after a crash it replays its WAL first.</summary>
    public Task StartServerAsync(CancellationToken cancellationToken) => _server.StartAsync(cancellationToken);

    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The durability settings as the running server reports them, e.g. "fsync=on, synchronous_commit=on".</summary>
    public async Task<string> DurabilitySettingsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings " +
            "WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'server_version')",
            connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The postmaster's process id, for CPU accounting of the server and its backends.</summary>
    public int PostmasterPid() => _server.PostmasterPid();

    /// <summary>Stops the server; the folder is removed unless <paramref name="keepFiles"/> (to read logs after a failure).</summary>
    public async Task StopAsync(bool keepFiles)
    {
        NpgsqlConnection.ClearAllPools();
        await _server.StopAsync();
        if (!keepFiles)
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
