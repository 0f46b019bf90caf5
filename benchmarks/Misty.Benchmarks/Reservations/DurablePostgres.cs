using System.Diagnostics;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>
/// A throwaway PostgreSQL server for one benchmark run, in a temporary folder on 127.0.0.1 and a free port, with
/// the default durability made explicit (fsync, synchronous_commit): a commit is acknowledged once its WAL is on disk.
/// PostgreSQL refuses to run as root, so under root its tools run as the 'postgres' system user.
/// </summary>
public sealed class DurablePostgres
{
    private const string Superuser = "postgres";
    private readonly string _binDirectory;

    private string _settings = "";

    private DurablePostgres(string root, string binDirectory, int port)
    {
        Root = root;
        _binDirectory = binDirectory;
        Port = port;
    }

    /// <summary>The temporary folder: data directory, server log and the services' logs.</summary>
    public string Root { get; }

    public int Port { get; }

    private string DataDirectory => Path.Combine(Root, "data");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={Superuser};Database={database};Timeout=30;Command Timeout=120";

    /// <param name="trackStatements">Loads pg_stat_statements, for a breakdown of what the services ask of the server.</param>
    public static async Task<DurablePostgres> StartAsync(bool trackStatements, CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory();
        var root = Path.Combine(Path.GetTempPath(), "misty-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        if (RunsAsRoot)
        {
            await RunAsync("chown", [Superuser, root], asPostgres: false, cancellationToken);
        }

        var server = new DurablePostgres(root, bin, Loopback.FreePort());
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", server.DataDirectory, "-U", Superuser, "-A", "trust", "-E", "UTF8"], asPostgres: true, cancellationToken);
        var settings = $"-c listen_addresses=127.0.0.1 -c port={server.Port} -c unix_socket_directories={root} " +
                       "-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=300" +
                       (trackStatements ? " -c shared_preload_libraries=pg_stat_statements" : "");
        server._settings = settings;
        await server.StartServerAsync(cancellationToken);
        return server;
    }

    /// <summary>Stops the server as a crash does (no checkpoint, every connection cut), keeping its data.</summary>
    public Task CrashAsync() =>
        RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"], asPostgres: true, CancellationToken.None);

    /// <summary>Starts the server (again): after a crash it replays its WAL first.</summary>
    public Task StartServerAsync(CancellationToken cancellationToken) => RunAsync(
        Path.Combine(_binDirectory, "pg_ctl"),
        ["-D", DataDirectory, "-l", Path.Combine(Root, "postgres.log"), "-o", _settings, "-w", "-t", "60", "start"],
        asPostgres: true,
        cancellationToken);

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
    public int PostmasterPid() => int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Stops the server; the folder is removed unless <paramref name="keepFiles"/> (to read logs after a failure).</summary>
    public async Task StopAsync(bool keepFiles)
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], asPostgres: true, CancellationToken.None);
        if (!keepFiles)
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private static string FindBinDirectory()
    {
        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (fromPath is not null)
        {
            return fromPath;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(Directory.Exists).Order().LastOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found: install them with 'apt-get install -y postgresql'.");
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var viaRunuser = asPostgres && RunsAsRoot;
        var start = new ProcessStartInfo(viaRunuser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in viaRunuser ? ["-u", Superuser, "--", program, .. arguments] : arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }
}
