using Microsoft.Extensions.Logging.Abstractions;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_second_run_applies_nothing_and_changes_nothing()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        var migrator = new MistyMigrator(connectionString, NullLogger.Instance);

        var first = await migrator.MigrateAsync();
        Assert.NotEmpty(first.Applied);
        var before = await SchemaFingerprintAsync(connectionString);

        var second = await migrator.MigrateAsync();
        Assert.Empty(second.Applied);
        Assert.Empty(migrator.PendingMigrations());
        Assert.Equal(before, await SchemaFingerprintAsync(connectionString));
    }

    [Fact]
    public async Task Concurrent_runs_apply_each_script_once()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            Task.Run(() => new MistyMigrator(connectionString, NullLogger.Instance).MigrateAsync())));

        var applied = runs.SelectMany(run => run.Applied).ToList();
        Assert.Equal(applied.Distinct().Count(), applied.Count);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var journal = new NpgsqlCommand("SELECT count(*), count(DISTINCT scriptname) FROM schema_versions", connection);
        await using var reader = await journal.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
        Assert.Equal(applied.Count, reader.GetInt64(0));
    }

    private static async Task<string> SchemaFingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, column_name)
            FROM information_schema.columns WHERE table_schema = 'public'
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
