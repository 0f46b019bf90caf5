using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Persistence;

/// <summary>
/// The SQL that migrations 0001-0004 install for Orleans' ADO.NET providers, executed the way the 10.4.2 providers
/// execute it: texts read from OrleansQuery, parameters bound by bare name with the DbType the provider sets, results
/// read by column name, and success judged by the provider's own rules (a write "fails" when the provider would
/// raise InconsistentStateException, a membership write when it returns 0).
/// </summary>
public abstract class OrleansSqlContract(PostgresFixture postgres)
{
    // An odd, non-UTC session time zone: a timestamp that went through a zone conversion anywhere would come back
    // shifted by 5:45, so the round trips of the tests prove the values are stored and read as UTC.
    private const string SessionTimeZone = "Asia/Kathmandu";

    protected static readonly DateTime T0 = new(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    protected sealed record DbParam(string Name, object? Value, DbType Type);

    protected static DbParam Str(string name, string? value) => new(name, value, DbType.String);

    // Address and GrainId are bound as AnsiString by the providers.
    protected static DbParam Ansi(string name, string value) => new(name, value, DbType.AnsiString);

    [SuppressMessage("Naming", "CA1720", Justification = "Named after the type the provider binds.")]
    protected static DbParam Int(string name, int? value) => new(name, value, DbType.Int32);

    [SuppressMessage("Naming", "CA1720", Justification = "Named after the type the provider binds.")]
    protected static DbParam Long(string name, long value) => new(name, value, DbType.Int64);

    protected static DbParam Time(string name, DateTime utc) => new(name, utc, DbType.DateTime);

    protected static DbParam Bytes(string name, byte[] value) => new(name, value, DbType.Binary);

    protected static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    protected async Task<NpgsqlConnection> OpenAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(await DatabaseAsync()) { Timezone = SessionTimeZone };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    // One database per test class instance (xunit makes one instance per test), shared by that test's connections.
    private string? _database;

    private async Task<string> DatabaseAsync() => _database ??= await postgres.CreateDatabaseAsync();

    protected static NpgsqlCommand Command(NpgsqlConnection connection, string sql, IEnumerable<DbParam> parameters, NpgsqlTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var parameter in parameters)
        {
            // The providers create a DbParameter, set the bare name, the value (DBNull for null) and the DbType.
            DbParameter p = command.CreateParameter();
            p.ParameterName = parameter.Name;
            p.Value = parameter.Value ?? DBNull.Value;
            p.DbType = parameter.Type;
            command.Parameters.Add(p);
        }

        return command;
    }

    protected static async Task<Dictionary<string, string>> LoadQueriesAsync(NpgsqlConnection connection)
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = Command(connection, "SELECT QueryKey, QueryText FROM OrleansQuery", []);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            queries.Add(reader.GetString(reader.GetOrdinal("QueryKey")), reader.GetString(reader.GetOrdinal("QueryText")));
        }

        return queries;
    }

    protected static async Task ExecuteAsync(NpgsqlConnection connection, string sql, IEnumerable<DbParam> parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    // The providers' GetSingleBooleanValue: exactly one column, Convert.ToBoolean of the first row's value.
    protected static async Task<bool> BooleanAsync(NpgsqlConnection connection, string sql, IEnumerable<DbParam> parameters, NpgsqlTransaction? transaction = null)
    {
        await using var command = Command(connection, sql, parameters, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "a boolean query must return a row");
        Assert.Equal(1, reader.FieldCount);
        var value = Convert.ToBoolean(reader.GetValue(0), CultureInfo.InvariantCulture);
        Assert.False(await reader.ReadAsync(), "a boolean query must return one row");
        return value;
    }

    protected static Task<bool> BooleanAsync(NpgsqlConnection connection, string sql, DbParam parameter) =>
        BooleanAsync(connection, sql, [parameter]);

    protected static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = Command(connection, sql, []);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    // Waits until the given backend is blocked on a lock, so a race test really races instead of running in turn.
    // Observes from a connection of its own: inside a transaction pg_stat_activity is a snapshot that never changes.
    protected async Task WaitUntilBlockedAsync(int blockedProcessId)
    {
        await using var observer = await OpenAsync();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var command = Command(observer,
                "SELECT count(*) FROM pg_stat_activity WHERE pid = @Pid AND wait_event_type = 'Lock'", [Int("Pid", blockedProcessId)]);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"backend {blockedProcessId} never waited for the lock");
    }
}
