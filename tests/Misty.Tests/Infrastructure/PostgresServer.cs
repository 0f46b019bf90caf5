using System.Diagnostics;
using Misty.Grains.Hosting;

namespace Misty.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server in a temporary folder, listening on 127.0.0.1 on a free port.
/// PostgreSQL refuses to run as root, so under root the server runs as the 'postgres' system user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly string _binDirectory;
    private readonly string _options;

    private PostgresServer(string dataDirectory, string binDirectory, int port, string options)
    {
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _options = options;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=30;Timeout=30;Connection Idle Lifetime=10";

    /// <param name="synchronousCommit">
    /// On: a commit is in the operating system's hands before it is acknowledged, so it survives the server's crash
    /// (<see cref="StopAsync"/>); off (the default, faster): the last fraction of a second of commits may not.
    /// </param>
    public static async Task<PostgresServer> StartAsync(bool synchronousCommit = false)
    {
        var bin = FindBinDirectory();
        var root = Path.Combine(Path.GetTempPath(), "misty-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var data = Path.Combine(root, "data");
        var port = LoopbackPorts.Free();
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", $"postgres {root}", asPostgres: false);
        }

        await RunAsync(Path.Combine(bin, "initdb"), $"-D {data} -U postgres -A trust -E UTF8 --no-sync", asPostgres: true);
        // fsync off: test databases are throwaway; durability is measured in the benchmarks, not here.
        var options = $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c fsync=off " +
                      $"-c synchronous_commit={(synchronousCommit ? "on" : "off")} -c full_page_writes=off -c max_connections=1000 -c shared_buffers=128MB";
        var server = new PostgresServer(data, bin, port, options);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Stops the server the way a crash does (no checkpoint, connections cut), keeping its data.</summary>
    public Task StopAsync() => RunAsync(Path.Combine(_binDirectory, "pg_ctl"), $"-D {_dataDirectory} -m immediate -w stop", asPostgres: true);

    /// <summary>Starts the stopped server again on the same port; it recovers from its log as after a crash.</summary>
    public Task StartAgainAsync() => RunAsync(Path.Combine(_binDirectory, "pg_ctl"),
        $"-D {_dataDirectory} -l {Path.GetDirectoryName(_dataDirectory)}/server.log -o \"{_options}\" -w -t 60 start", asPostgres: true);

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
            Directory.Delete(Path.GetDirectoryName(_dataDirectory)!, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the server is already stopped.
        }
    }

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

    private static async Task RunAsync(string program, string arguments, bool asPostgres)
    {
        var runAsPostgres = asPostgres && Environment.UserName == "root";
        var start = new ProcessStartInfo(runAsPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAsPostgres)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add("postgres");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add("sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"{program} {arguments}");
        }
        else
        {
            start.Arguments = arguments;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }
}
