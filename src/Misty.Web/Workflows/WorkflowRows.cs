using System.Text.Json;
using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows.Engine;
using Npgsql;

namespace Misty.Web.Workflows;

/// <summary>Reads the workflows and workflow_executions rows: lists come from the projections, single items from the grains.</summary>
public sealed class WorkflowRows(NpgsqlDataSource database)
{
    public async Task<IReadOnlyList<WorkflowSummary>> ListWorkflowsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT workflow_id, name, description, trigger_type::text, trigger_config::text, enabled, execution_count, success_rate,
                   avg_duration_ms, created_at, updated_at, version
            FROM workflows WHERE deleted_at IS NULL
            ORDER BY name
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var workflows = new List<WorkflowSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            workflows.Add(new WorkflowSummary(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                Enum.Parse<WorkflowTriggerType>(reader.GetString(3), ignoreCase: true),
                JsonSerializer.Deserialize<TriggerConfig>(reader.GetString(4), WorkflowJson.Options) ?? TriggerConfig.None,
                reader.GetBoolean(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetDecimal(7),
                reader.IsDBNull(8) ? null : reader.GetDecimal(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetInt64(11)));
        }

        return workflows;
    }

    /// <summary>The workflow's runs, newest first, optionally only those in one status.</summary>
    public async Task<IReadOnlyList<ExecutionSummary>> ListExecutionsAsync(
        Guid workflowId, ExecutionStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            SELECT {ExecutionColumns}
            FROM workflow_executions
            WHERE workflow_id = @workflow AND (@status::execution_status IS NULL OR status = @status::execution_status)
            ORDER BY start_time DESC, execution_id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("workflow", workflowId);
        command.Parameters.Add(new NpgsqlParameter<string?>("status", status?.ToString().ToLowerInvariant()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadExecutionsAsync(command, cancellationToken);
    }

    /// <summary>Runs still open (running or waiting for approval), newest first: the dashboard's running workflows.</summary>
    public async Task<IReadOnlyList<ExecutionSummary>> OpenExecutionsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            SELECT {ExecutionColumns}
            FROM workflow_executions
            WHERE status IN ('running', 'blocked')
            ORDER BY start_time DESC, execution_id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadExecutionsAsync(command, cancellationToken);
    }

    private const string ExecutionColumns =
        "execution_id, workflow_id, execution_number, status::text, description, progress_percentage, start_time, end_time, duration_ms, " +
        "error_message, trigger_type::text, retry_of, updated_at, version";

    private static async Task<IReadOnlyList<ExecutionSummary>> ReadExecutionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var executions = new List<ExecutionSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            executions.Add(new ExecutionSummary(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), Enum.Parse<ExecutionStatus>(reader.GetString(3), ignoreCase: true),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), Enum.Parse<WorkflowTriggerType>(reader.GetString(10), ignoreCase: true),
                reader.IsDBNull(11) ? null : reader.GetGuid(11), reader.GetFieldValue<DateTimeOffset>(12), reader.GetInt64(13)));
        }

        return executions;
    }
}
