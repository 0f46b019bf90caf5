using Misty.Persistence.Local;

namespace Misty.Grains.Hosting;

/// <summary>The one storage decision of every Misty process: PostgreSQL, named by MISTY_DB or else the private database.</summary>
public static class MistyDatabaseSetup
{
    /// <summary>
    /// The options as they are when they name a database; otherwise the private database of this machine, started if
    /// it is not running, which the caller disposes when it ends (null when nothing was started for it).
    /// </summary>
    /// <exception cref="MistyConfigurationException">No MISTY_DB and no PostgreSQL server binaries to start one.</exception>
    public static async Task<(MistyOptions Options, PrivateDatabase? PrivateDatabase)> WithDatabaseAsync(
        this MistyOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Database is not null)
        {
            return (options, null);
        }

        try
        {
            var database = await PrivateDatabase.StartAsync(options.PrivateDatabasePort, cancellationToken: cancellationToken);
            return (options with { Database = database.ConnectionString }, database);
        }
        catch (PostgresNotInstalledException ex)
        {
            throw new MistyConfigurationException(ex.Message);
        }
    }
}
