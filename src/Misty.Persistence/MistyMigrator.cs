using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Misty.Persistence;

/// <summary>
/// Applies the versioned SQL scripts embedded under Migrations, in file-name order, each in its own
/// transaction, recorded in the schema_versions table. A session advisory lock makes concurrent runs from
/// several processes wait for each other instead of racing.
/// </summary>
public sealed class MistyMigrator(string connectionString, ILogger logger)
{
    // Arbitrary but fixed: every Misty process must contend for the same lock.
    private const long MigrationLockKey = 0x4D69_7374_7953_514C;
    private const string ScriptFolder = ".Migrations.";

    public sealed record MigrationResult(IReadOnlyList<string> Applied);

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var takeLock = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            takeLock.Parameters.AddWithValue("key", MigrationLockKey);
            await takeLock.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var result = BuildEngine().PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException(
                    $"Migration {result.ErrorScript?.Name ?? "(unknown)"} failed: {result.Error?.Message}", result.Error);
            }

            var applied = result.Scripts.Select(script => ShortName(script.Name)).ToList();
            logger.LogInformation("Database schema is current; {Count} migration(s) applied now.", applied.Count);
            return new MigrationResult(applied);
        }
        finally
        {
            await using var releaseLock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            releaseLock.Parameters.AddWithValue("key", MigrationLockKey);
            await releaseLock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The scripts not yet recorded as applied; empty when the schema is current.</summary>
    public IReadOnlyList<string> PendingMigrations() =>
        BuildEngine().GetScriptsToExecute().Select(script => ShortName(script.Name)).ToList();

    private UpgradeEngine BuildEngine() =>
        DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(MistyMigrator).Assembly, name => name.Contains(ScriptFolder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .JournalToPostgresqlTable("public", "schema_versions")
            .LogTo(new UpgradeLog(logger))
            .Build();

    private static string ShortName(string resourceName) =>
        resourceName[(resourceName.IndexOf(ScriptFolder, StringComparison.Ordinal) + ScriptFolder.Length)..];

    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => Write(LogLevel.Trace, null, format, args);
        public void LogDebug(string format, params object[] args) => Write(LogLevel.Debug, null, format, args);
        public void LogInformation(string format, params object[] args) => Write(LogLevel.Information, null, format, args);
        public void LogWarning(string format, params object[] args) => Write(LogLevel.Warning, null, format, args);
        public void LogError(string format, params object[] args) => Write(LogLevel.Error, null, format, args);
        public void LogError(Exception ex, string format, params object[] args) => Write(LogLevel.Error, ex, format, args);

        // DbUp formats with string.Format placeholders ({0}); format here rather than pass them as a log template.
        private void Write(LogLevel level, Exception? exception, string format, object[] args)
        {
            if (logger.IsEnabled(level))
            {
#pragma warning disable CA2254 // the message is DbUp's, already formatted
                logger.Log(level, exception, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
#pragma warning restore CA2254
            }
        }
    }
}
