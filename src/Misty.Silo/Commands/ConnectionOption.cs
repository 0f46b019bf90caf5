using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Misty.Grains.Hosting;
using Misty.Persistence.Local;

namespace Misty.Silo.Commands;

/// <summary>
/// The --connection option shared by the verbs that talk to PostgreSQL: MISTY_DB is its default, and without either the
/// verb uses the private database of this machine, as every Misty process does.
/// </summary>
internal static class ConnectionOption
{
    public static Option<string?> Create() => new("--connection", "-c")
    {
        Description = "PostgreSQL connection string (default: the MISTY_DB environment variable, else the private database under .misty/).",
    };

    /// <summary>The database to use, or null after telling the user why there is none.</summary>
    public static async Task<VerbDatabase?> OpenAsync(ParseResult parse, Option<string?> option, CancellationToken cancellationToken)
    {
        var connection = parse.GetValue(option) ?? Environment.GetEnvironmentVariable("MISTY_DB");
        if (!string.IsNullOrWhiteSpace(connection))
        {
            return new VerbDatabase(connection, null);
        }

        try
        {
            var port = MistyOptions.FromConfiguration(new ConfigurationBuilder().AddEnvironmentVariables().Build()).PrivateDatabasePort;
            var started = await PrivateDatabase.StartAsync(port, cancellationToken: cancellationToken);
            return new VerbDatabase(started.ConnectionString, started);
        }
        catch (Exception ex) when (ex is PostgresNotInstalledException or MistyConfigurationException)
        {
            await Console.Error.WriteLineAsync($"No database: {ex.Message}");
            return null;
        }
    }
}

/// <summary>A verb's database: stops the private server when the verb ends if the verb started it.</summary>
internal sealed record VerbDatabase(string ConnectionString, PrivateDatabase? Private) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Private?.DisposeAsync() ?? ValueTask.CompletedTask;
}
