using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Misty.Grains.Hosting;
using Misty.Persistence.Local;

namespace Misty.Silo.Commands;

/// <summary>
/// A verb that talks to PostgreSQL, with its --connection option: MISTY_DB is its default, and without either the verb
/// uses the private database of this machine, as every Misty process does.
/// </summary>
internal static class DatabaseCommand
{
    /// <param name="run">The verb's work, given the connection string; answers the exit code.</param>
    public static Command Create(string name, string description, Func<ParseResult, string, CancellationToken, Task<int>> run, params Option[] options)
    {
        var connection = new Option<string?>("--connection", "-c")
        {
            Description = "PostgreSQL connection string (default: the MISTY_DB environment variable, else the private database under .misty/).",
        };
        var command = new Command(name, description) { connection };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var target = await OpenAsync(parse.GetValue(connection), cancellationToken);
            return target is null ? 2 : await run(parse, target.ConnectionString, cancellationToken);
        });
        return command;
    }

    /// <summary>The database to use, or null after telling the user why there is none.</summary>
    private static async Task<VerbDatabase?> OpenAsync(string? connection, CancellationToken cancellationToken)
    {
        connection ??= Environment.GetEnvironmentVariable("MISTY_DB");
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
