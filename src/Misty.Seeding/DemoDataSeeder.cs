using System.Diagnostics;
using Misty.Grains.Workflows.BuiltIn;
using Npgsql;

namespace Misty.Seeding;

/// <summary>
/// Loads the demo dataset into an empty Misty database: generated in memory from <see cref="SeedOptions"/>, written with
/// binary COPY, all in one transaction so that a failure leaves nothing behind. A database that already has albums is
/// left alone.
/// </summary>
public sealed class DemoDataSeeder(NpgsqlDataSource dataSource)
{
    // Fixed, so that two seeders started at once (two nodes, or a node and the CLI) queue instead of both loading.
    private const long SeedLockKey = 0x4D69_7374_7953_4544;

    public async Task<SeedReport> SeedAsync(SeedOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        if (await HasAlbumsAsync(connection, cancellationToken))
        {
            return new SeedReport(Seeded: false, [], clock.Elapsed);
        }

        var dataset = DemoDataset.Generate(options);
        var copier = new SeedCopier(connection, cancellationToken);
        await dataset.CopyToAsync(copier);
        await RollUpMetricsAsync(connection, options, cancellationToken);
        await AnalyzeAsync(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SeedReport(Seeded: true, copier.Counts, clock.Elapsed);
    }

    /// <summary>
    /// The metrics the daily roll-up would have written for the history's whole days, so that reports read them from the
    /// first start. The last day is still going on when the history ends at <see cref="SeedOptions.Until"/>, so it is
    /// left to the roll-up, like any today.
    /// </summary>
    private static async Task RollUpMetricsAsync(NpgsqlConnection connection, SeedOptions options, CancellationToken cancellationToken)
    {
        var first = DateOnly.FromDateTime(options.HistoryStart);
        var last = options.Anchor.AddDays(options.Until is null ? -1 : -2);
        if (last >= first)
        {
            await MetricsRollup.RollUpHistoryAsync(connection, first, last, cancellationToken);
        }
    }

    /// <summary>
    /// Planner statistics for the freshly loaded tables, committed with them (PostgreSQL's advice after a bulk load).
    /// Until autovacuum got round to it, the first minutes of a newly seeded node planned its per-customer reads
    /// without statistics, and a segment refresh then cost about twice the database time. ANALYZE in the loading
    /// transaction counts the transaction's own rows.
    /// </summary>
    private static async Task AnalyzeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Soft-deleted albums count too: someone's data is there.</summary>
    private static async Task<bool> HasAlbumsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM albums)", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Held until the transaction ends, so a second seeder sees the first one's albums once it gets in.</summary>
    private static async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection);
        command.Parameters.AddWithValue("key", SeedLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
