using System.Diagnostics;

namespace Misty.Persistence.Local;

/// <summary>
/// A PostgreSQL server run from the installed server binaries (initdb, pg_ctl) in a folder of its own, on 127.0.0.1:
/// the private database of a developer machine, a test's throwaway server, a benchmark's durable one.
/// PostgreSQL refuses to run as root, so under root its tools run as the 'postgres' system user.
/// </summary>
public sealed class LocalPostgres(string dataDirectory, int port, string settings)
{
    public const string SystemUser = "postgres";

    public string DataDirectory { get; } = dataDirectory;

    public int Port { get; } = port;

    /// <summary>The folder that holds the data directory, the server's log and its socket.</summary>
    public string Root => Path.GetDirectoryName(DataDirectory)!;

    public string LogFile => Path.Combine(Root, "postgres.log");

    public static bool RunsAsRoot => Environment.UserName == "root";

    /// <summary>Server settings for 127.0.0.1 on <paramref name="port"/>, then any of the caller's own (<c>-c name=value</c> each).</summary>
    public static string Settings(string root, int port, string extra = "") =>
        $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='{root}' {extra}".TrimEnd();

    /// <summary>Creates the cluster's files, owned by the superuser <paramref name="superuser"/>.</summary>
    /// <param name="passwordFile">The superuser's password (scram-sha-256 for TCP), or null for trust (throwaway servers).</param>
    public async Task InitAsync(string superuser, string? passwordFile, bool durable, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Root);
        if (RunsAsRoot)
        {
            await RunAsync("chown", [SystemUser, Root, .. passwordFile is null ? Array.Empty<string>() : [passwordFile]], asSystemUser: false, cancellationToken);
        }

        string[] authentication = passwordFile is null ? ["-A", "trust"] : ["-A", "scram-sha-256", $"--pwfile={passwordFile}"];
        await RunAsync(Binary("initdb"), ["-D", DataDirectory, "-U", superuser, "-E", "UTF8", .. authentication, .. durable ? Array.Empty<string>() : ["--no-sync"]],
            asSystemUser: true, cancellationToken);
    }

    public bool IsInitialised => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await RunAsync(Binary("pg_ctl"), ["-D", DataDirectory, "status"], asSystemUser: true, cancellationToken);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Starts the server and waits until it accepts connections; after a crash it replays its WAL first.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) =>
        RunAsync(Binary("pg_ctl"), ["-D", DataDirectory, "-l", LogFile, "-o", settings, "-w", "-t", "60", "start"], asSystemUser: true, cancellationToken);

    /// <summary>Stops the server: <paramref name="immediate"/> as a crash does (no checkpoint, every connection cut), else cleanly.</summary>
    public Task StopAsync(bool immediate = false) =>
        RunAsync(Binary("pg_ctl"), ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "stop"], asSystemUser: true, CancellationToken.None);

    /// <summary>The postmaster's process id, for CPU accounting of the server and its backends.</summary>
    public int PostmasterPid() =>
        int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The folder of initdb and pg_ctl: the first on PATH, else the newest under /usr/lib/postgresql (Debian's layout).</summary>
    public static string? FindBinDirectory(string? path, string installRoot = "/usr/lib/postgresql")
    {
        static bool HasServer(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        var fromPath = (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(HasServer);
        return fromPath ?? (Directory.Exists(installRoot)
            ? Directory.GetDirectories(installRoot).Select(version => Path.Combine(version, "bin")).Where(HasServer)
                .OrderBy(dir => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(dir)), out var v) ? v : new Version()).LastOrDefault()
            : null);
    }

    private static string Binary(string name) =>
        Path.Combine(FindBinDirectory(Environment.GetEnvironmentVariable("PATH")) ?? throw new PostgresNotInstalledException(), name);

    private static async Task RunAsync(string program, IEnumerable<string> arguments, bool asSystemUser, CancellationToken cancellationToken)
    {
        var viaRunuser = asSystemUser && RunsAsRoot;
        var start = new ProcessStartInfo(viaRunuser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in viaRunuser ? ["-u", SystemUser, "--", program, .. arguments] : arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }
}

/// <summary>No PostgreSQL server binaries on this machine; the message says how to install them or where else to point.</summary>
public sealed class PostgresNotInstalledException() : Exception(
    "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (Debian/Ubuntu: sudo apt-get install -y postgresql), " +
    "or point MISTY_DB at a PostgreSQL server: MISTY_DB=\"Host=...;Database=misty;Username=...;Password=...\"");
