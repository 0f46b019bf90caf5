using System.Globalization;
using System.Text;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>
/// Which SQL statements a measured window cost, from pg_stat_statements: where a service's database time goes.
/// </summary>
public sealed class StatementProfile(NpgsqlDataSource server, string databaseName)
{
    private const int Shown = 12;

    /// <summary>Makes the extension's view queryable; the server must have been started to track statements.</summary>
    public static async Task InstallAsync(NpgsqlDataSource server, CancellationToken cancellationToken)
    {
        await using var command = server.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var command = server.CreateCommand("SELECT pg_stat_statements_reset()");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The most frequent statements since the reset, with calls and execution time per reservation.</summary>
    public async Task<string> RenderAsync(int reservations, CancellationToken cancellationToken)
    {
        await using var command = server.CreateCommand(
            "SELECT s.calls, s.total_exec_time, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 140) " +
            "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 ORDER BY s.calls DESC LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = databaseName });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Shown });
        var text = new StringBuilder("  calls/reservation  exec ms/reservation  statement\n");
        var per = Math.Max(1, reservations);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  {reader.GetInt64(0) / (double)per,17:0.00}  {reader.GetDouble(1) / per,19:0.000}  {reader.GetString(2)}\n");
        }

        return text.ToString();
    }
}
