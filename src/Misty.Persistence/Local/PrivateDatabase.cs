using System.Security.Cryptography;
using Npgsql;

namespace Misty.Persistence.Local;

/// <summary>
/// The private PostgreSQL of a developer machine, used by every Misty process started without MISTY_DB (./run.sh,
/// <c>dotnet run</c>, the maintenance verbs): a cluster under <c>.misty/postgres</c> of the checkout, on 127.0.0.1, whose
/// superuser <c>misty</c> has a random password kept beside it, with a database <c>misty</c>. A process that started
/// the server stops it when it ends; one that found it running leaves it running.
/// </summary>
public sealed class PrivateDatabase : IAsyncDisposable
{
    public const int DefaultPort = 55080;
    private const string Owner = "misty";
    private readonly LocalPostgres _server;
    private readonly bool _startedHere;

    private PrivateDatabase(LocalPostgres server, string stateDirectory, string connectionString, bool startedHere)
    {
        _server = server;
        StateDirectory = stateDirectory;
        ConnectionString = connectionString;
        _startedHere = startedHere;
    }

    /// <summary>The folder of the private server and the machine's local secrets.</summary>
    public string StateDirectory { get; }

    public string ConnectionString { get; }

    /// <summary>Starts the server unless it is running, creating its files and the database the first time.</summary>
    /// <exception cref="PostgresNotInstalledException">The server binaries are not installed.</exception>
    public static async Task<PrivateDatabase> StartAsync(int port = DefaultPort, string? stateDirectory = null, CancellationToken cancellationToken = default)
    {
        stateDirectory ??= DefaultStateDirectory(Environment.CurrentDirectory);
        Directory.CreateDirectory(stateDirectory);
        var server = new LocalPostgres(Path.Combine(stateDirectory, "postgres"), port,
            // Npgsql pools up to 100 connections per data source, PostgreSQL's default maximum.
            LocalPostgres.Settings(stateDirectory, port, "-c max_connections=200"));
        var passwordFile = Path.Combine(stateDirectory, "postgres-password");
        var password = SecretFile(passwordFile, () => Convert.ToHexString(RandomNumberGenerator.GetBytes(18)));
        if (!server.IsInitialised)
        {
            await server.InitAsync(Owner, passwordFile, durable: true, cancellationToken);
        }

        var startedHere = false;
        if (!await server.IsRunningAsync(cancellationToken))
        {
            await server.StartAsync(cancellationToken);
            startedHere = true;
        }

        var connection = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = Owner, Password = password, Database = "postgres" };
        await using (var admin = new NpgsqlConnection(connection.ConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = 'misty'", admin);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand("CREATE DATABASE misty", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        connection.Database = "misty";
        return new PrivateDatabase(server, stateDirectory, connection.ConnectionString, startedHere);
    }

    /// <summary>
    /// A secret of this machine kept beside the database files and never in them (such as the key ring's key), made
    /// the first time it is asked for: readable by its owner only.
    /// </summary>
    public string SecretFilePath(string name, int randomBytes)
    {
        var path = Path.Combine(StateDirectory, name);
        SecretFile(path, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(randomBytes)));
        return path;
    }

    /// <summary><c>.misty</c> in the checkout that holds <paramref name="directory"/> (the folder of Misty.sln), else in the home folder.</summary>
    public static string DefaultStateDirectory(string directory)
    {
        for (var folder = new DirectoryInfo(directory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Misty.sln")))
            {
                return Path.Combine(folder.FullName, ".misty");
            }
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".misty");
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedHere)
        {
            NpgsqlConnection.ClearAllPools();
            await _server.StopAsync();
        }
    }

    private static string SecretFile(string path, Func<string> create)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, options);
            writer.Write(create());
        }

        return File.ReadAllText(path).Trim();
    }
}
