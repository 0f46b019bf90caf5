using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Audit;

/// <summary>Writes each audit entry as one system_logs row: source 'audit', the action and actor in its metadata.</summary>
public sealed class PostgresAuditLog(NpgsqlDataSource database, ILogger<PostgresAuditLog> logger) : IAuditLog
{
    public const string Source = "audit";

    public async Task RecordAsync(AuditEntry entry)
    {
        var metadata = new Dictionary<string, object?>(entry.Details) { ["action"] = entry.Action, ["actor"] = entry.Actor };
        try
        {
            await using var command = database.CreateCommand(
                "INSERT INTO system_logs (log_level, source, message, metadata) VALUES (@level::log_level, @source, @message, @metadata)");
            command.Parameters.AddWithValue("level", entry.Severity == AuditSeverity.Warning ? "warning" : "info");
            command.Parameters.AddWithValue("source", Source);
            command.Parameters.AddWithValue("message", entry.Message);
            command.Parameters.AddWithValue("metadata", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(metadata));
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            // The change itself is stored; the host log keeps the entry so that it can be reconciled.
            logger.LogError(ex, "Audit row not stored: {Action} by {Actor}: {Message}", entry.Action, entry.Actor, entry.Message);
        }
    }
}
