using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows.Engine;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Workflows;

public sealed class PostgresWorkflowStore(NpgsqlDataSource database) : IWorkflowStore
{
    public async Task ProjectWorkflowAsync(WorkflowView workflow, bool overwrite, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO workflows (workflow_id, name, description, trigger_type, trigger_config, enabled, execution_count,
                                   success_rate, avg_duration_ms, created_at, updated_at, version)
            VALUES (@id, @name, @description, @trigger::workflow_trigger_type, @config, @enabled, @count, @success, @duration,
                    @created, @updated, @version)
            ON CONFLICT (workflow_id) DO UPDATE SET
                name = excluded.name, description = excluded.description, trigger_type = excluded.trigger_type,
                trigger_config = excluded.trigger_config, enabled = excluded.enabled, execution_count = excluded.execution_count,
                success_rate = excluded.success_rate, avg_duration_ms = excluded.avg_duration_ms, updated_at = excluded.updated_at,
                version = excluded.version, deleted_at = NULL
            WHERE workflows.version < excluded.version OR @overwrite
            """);
        command.Parameters.AddWithValue("id", workflow.WorkflowId);
        command.Parameters.AddWithValue("name", workflow.Name);
        command.Parameters.AddWithValue("description", workflow.Description);
        command.Parameters.AddWithValue("trigger", workflow.TriggerType.ToString().ToLowerInvariant());
        command.Parameters.Add(new NpgsqlParameter("config", NpgsqlDbType.Jsonb) { Value = WorkflowJson.Serialize(workflow.TriggerConfig) });
        command.Parameters.AddWithValue("enabled", workflow.Enabled);
        command.Parameters.AddWithValue("count", workflow.ExecutionCount);
        command.Parameters.Add(new NpgsqlParameter("success", NpgsqlDbType.Numeric) { Value = (object?)workflow.SuccessRate ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("duration", NpgsqlDbType.Numeric) { Value = (object?)workflow.AvgDurationMs ?? DBNull.Value });
        command.Parameters.AddWithValue("created", workflow.CreatedAt);
        command.Parameters.AddWithValue("updated", workflow.UpdatedAt);
        command.Parameters.AddWithValue("version", workflow.Version);
        command.Parameters.AddWithValue("overwrite", overwrite);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ProjectExecutionAsync(ExecutionView execution, bool overwrite, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO workflow_executions (execution_id, workflow_id, execution_number, status, description, progress_percentage,
                                             start_time, end_time, duration_ms, execution_log, error_message, trigger_type, retry_of, version)
            VALUES (@id, @workflow, @number, @status::execution_status, @description, @progress, @start, @end, @duration, @log, @error,
                    @trigger::workflow_trigger_type, @retryOf, @version)
            ON CONFLICT (execution_id) DO UPDATE SET
                status = excluded.status, description = excluded.description, progress_percentage = excluded.progress_percentage,
                end_time = excluded.end_time, duration_ms = excluded.duration_ms, execution_log = excluded.execution_log,
                error_message = excluded.error_message, version = excluded.version
            WHERE workflow_executions.version < excluded.version OR @overwrite
            """);
        command.Parameters.AddWithValue("id", execution.ExecutionId);
        command.Parameters.AddWithValue("workflow", execution.WorkflowId);
        command.Parameters.AddWithValue("number", execution.ExecutionNumber);
        command.Parameters.AddWithValue("status", execution.Status.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("description", execution.Description);
        command.Parameters.AddWithValue("progress", execution.ProgressPercentage);
        command.Parameters.AddWithValue("start", execution.StartTime);
        command.Parameters.Add(new NpgsqlParameter("end", NpgsqlDbType.TimestampTz) { Value = (object?)execution.EndTime ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("duration", NpgsqlDbType.Integer) { Value = (object?)execution.DurationMs ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("log", NpgsqlDbType.Jsonb) { Value = WorkflowJson.Serialize(execution.ExecutionLog) });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)execution.ErrorMessage ?? DBNull.Value });
        command.Parameters.AddWithValue("trigger", execution.Trigger.ToString().ToLowerInvariant());
        command.Parameters.Add(new NpgsqlParameter("retryOf", NpgsqlDbType.Uuid) { Value = (object?)execution.RetryOf ?? DBNull.Value });
        command.Parameters.AddWithValue("version", execution.Version);
        command.Parameters.AddWithValue("overwrite", overwrite);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
