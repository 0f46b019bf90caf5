using System.Text.Json;
using Npgsql;

namespace Misty.Tests.Infrastructure;

/// <summary>Reading a test database directly, to check what an API call stored.</summary>
public static class TestSql
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var command = Command(database, sql, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var command = Command(database, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The audit rows of one action, oldest first.</summary>
    public static async Task<List<AuditRow>> AuditRowsAsync(string connectionString, string action)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var command = database.CreateCommand(
            """
            SELECT log_level::text, message, metadata::text FROM system_logs
            WHERE source = 'audit' AND metadata ->> 'action' = @action ORDER BY created_at, log_id
            """);
        command.Parameters.AddWithValue("action", action);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new AuditRow(reader.GetString(0), reader.GetString(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
        }

        return rows;
    }

    /// <summary>Every audit row as text, to check that no secret reached the trail.</summary>
    public static async Task<string> AllSystemLogsAsync(string connectionString) =>
        await ScalarAsync<string>(connectionString, "SELECT coalesce(string_agg(message || ' ' || metadata::text, E'\\n'), '') FROM system_logs");

    private static NpgsqlCommand Command(NpgsqlDataSource database, string sql, (string Name, object Value)[] parameters)
    {
        var command = database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}

public sealed record AuditRow(string Level, string Message, JsonElement Metadata)
{
    public string? Detail(string name) => Metadata.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
}
