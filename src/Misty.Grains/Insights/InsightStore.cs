using System.Text.Json;
using Misty.Grains.Interfaces.Insights;
using Misty.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Insights;

/// <summary>An ai_recommendations row as the API and the dashboard show it.</summary>
/// <param name="Subject">The album's title and artist, or the customer's name.</param>
public sealed record InsightRow(
    Guid RecommendationId, string Type, Guid? EntityId, string? Subject, string Recommendation, string? Insight, int ConfidenceScore, string Impact,
    string Status, string MetadataJson, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateOnly? ScheduledFor, DateTimeOffset? DecidedAt,
    string? DecidedBy, DateTimeOffset UpdatedAt, long Version)
{
    public InsightChanged ToEvent() => new(RecommendationId, Type, EntityId, Status, Impact, ConfidenceScore, Recommendation, Insight, ExpiresAt,
        ScheduledFor, Version, UpdatedAt);

    /// <summary>The price a pricing insight suggests, from its metadata.</summary>
    public decimal? SuggestedPrice()
    {
        using var metadata = JsonDocument.Parse(MetadataJson);
        return metadata.RootElement.TryGetProperty("suggestedPrice", out var price) && price.ValueKind == JsonValueKind.Number ? price.GetDecimal() : null;
    }
}

public enum DecisionResult
{
    Decided,
    NotFound,
    /// <summary>Not open (already decided, or expired), or not this engine's to decide (a reorder line's).</summary>
    NotOpen,
    /// <summary>What accepting it changes could not be changed (e.g. its album left the catalogue); nothing was written.</summary>
    Refused,
}

public sealed record Decision(DecisionResult Result, InsightRow? Row, string? Reason = null);

/// <summary>
/// The insights' rows: raising them (one open insight per type and subject; a decided one keeps its reason from being
/// raised again until it expires), listing them, and deciding them in one transaction with what accepting changes.
/// </summary>
public sealed class InsightStore(NpgsqlDataSource database, InsightNotices notices)
{
    private const string Columns = """
        x.recommendation_id, x.recommendation_type::text, x.entity_id,
        coalesce((SELECT a.title || ' by ' || a.artist FROM albums a WHERE a.album_id = x.entity_id),
                 (SELECT c.first_name || ' ' || c.last_name FROM customers c WHERE c.customer_id = x.entity_id)),
        x.recommendation, x.insight, coalesce(x.confidence_score, 0), x.impact::text, x.status::text, x.metadata::text, x.created_at,
        x.expires_at, x.scheduled_for, x.decided_at, x.decided_by, x.updated_at, x.version
        """;

    /// <summary>Refreshes the open insight of the draft's type and subject, unless one of them was decided and stands.</summary>
    private const string RefreshSql = $"""
        WITH decided AS (
            SELECT 1 FROM ai_recommendations WHERE recommendation_type = @type::recommendation_type AND entity_id = @entity
                AND status <> 'pending' AND (expires_at IS NULL OR expires_at > @now)),
        x AS (
            UPDATE ai_recommendations SET recommendation = @text, insight = @insight, confidence_score = @confidence,
                impact = @impact::impact_level, metadata = @metadata, expires_at = @expires, version = version + 1, updated_at = @now
            WHERE recommendation_type = @type::recommendation_type AND entity_id = @entity AND status = 'pending'
                AND (expires_at IS NULL OR expires_at > @now) AND NOT EXISTS (SELECT 1 FROM decided)
            RETURNING *)
        SELECT false, {Columns} FROM x
        """;

    /// <summary>Raises the draft when nothing of its type and subject stands (open, or decided and not expired).</summary>
    private const string InsertSql = $"""
        WITH x AS (
            INSERT INTO ai_recommendations (recommendation_type, entity_id, recommendation, insight, confidence_score, impact, status,
                metadata, created_at, expires_at, updated_at)
            SELECT @type::recommendation_type, @entity, @text, @insight, @confidence, @impact::impact_level, 'pending', @metadata, @now, @expires, @now
            WHERE NOT EXISTS (SELECT 1 FROM ai_recommendations WHERE recommendation_type = @type::recommendation_type AND entity_id = @entity
                AND (expires_at IS NULL OR expires_at > @now))
            RETURNING *)
        SELECT true, {Columns} FROM x
        """;

    private static readonly string[] EngineTypes = [InsightTypes.Pricing, InsightTypes.Promotion, InsightTypes.Customer];

    /// <summary>
    /// Writes the run's insights: a new row, or the open one of the same type and subject refreshed; none for a subject
    /// whose insight of that type was decided and has not expired. Open insights of the engine's types that this run did
    /// not raise again expire now (their reason is gone). Publishes every changed row.
    /// </summary>
    /// <returns>The rows raised or refreshed, and how many expired.</returns>
    public async Task<(int Raised, int Refreshed, int Expired)> RaiseAsync(IReadOnlyList<InsightDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = new List<InsightRow>();
        var (raised, refreshed) = (0, 0);
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // One run at a time: two at once would both find no open insight and raise it twice.
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('misty-insights'))", connection, transaction))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var chunk in drafts.Chunk(200))
            {
                await using var batch = new NpgsqlBatch(connection, transaction);
                foreach (var draft in chunk)
                {
                    // The update runs first: an open row is refreshed, and the insert then finds it and adds nothing.
                    batch.BatchCommands.Add(RaiseCommand(RefreshSql, draft, now));
                    batch.BatchCommands.Add(RaiseCommand(InsertSql, draft, now));
                }

                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                do
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        changed.Add(Read(reader, 1));
                        (raised, refreshed) = reader.GetBoolean(0) ? (raised + 1, refreshed) : (raised, refreshed + 1);
                    }
                }
                while (await reader.NextResultAsync(cancellationToken));
            }

            var expired = await ExpireStaleAsync(connection, transaction, drafts, now, cancellationToken);
            changed.AddRange(expired);
            await transaction.CommitAsync(cancellationToken);
            foreach (var row in changed)
            {
                await notices.PublishAsync(row.ToEvent());
            }

            return (raised, refreshed, expired.Count);
        }
    }

    public async Task<(IReadOnlyList<InsightRow> Items, long Total)> ListAsync(string? type, string? status, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        const string Where = """
            WHERE (@type::text IS NULL OR x.recommendation_type::text = @type) AND (@status::text IS NULL OR x.status::text = @status)
            """;
        var (items, total) = await database.ReadPageAsync(
            $"FROM ai_recommendations x {Where}",
            $"""
            SELECT {Columns} FROM ai_recommendations x {Where}
            ORDER BY x.status = 'pending' DESC, x.impact, x.confidence_score DESC NULLS LAST, x.created_at DESC, x.recommendation_id
            """,
            parameters =>
            {
                parameters.AddWithValue("type", NpgsqlDbType.Text, (object?)type ?? DBNull.Value);
                parameters.AddWithValue("status", NpgsqlDbType.Text, (object?)status ?? DBNull.Value);
            },
            page,
            pageSize,
            reader => Read(reader, 0),
            cancellationToken);
        return (items, total);
    }

    /// <summary>The open insights (pending, not expired), most impact first: what the dashboard shows.</summary>
    public async Task<IReadOnlyList<InsightRow>> OpenAsync(int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT {Columns} FROM ai_recommendations x
            WHERE x.status = 'pending' AND (x.expires_at IS NULL OR x.expires_at > @now) AND x.recommendation_type::text = ANY(@types)
            ORDER BY x.impact, x.confidence_score DESC NULLS LAST, x.created_at DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("types", EngineTypes);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<InsightRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader, 0));
        }

        return rows;
    }

    public async Task<InsightRow?> GetAsync(Guid recommendationId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM ai_recommendations x WHERE x.recommendation_id = @id");
        command.Parameters.AddWithValue("id", recommendationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, 0) : null;
    }

    /// <summary>The scheduled insights whose day has come (scheduled for <paramref name="day"/> or before), earliest first.</summary>
    public async Task<IReadOnlyList<(Guid RecommendationId, string? ScheduledBy)>> DueScheduledAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT recommendation_id, decided_by FROM ai_recommendations
            WHERE status = 'scheduled' AND scheduled_for <= @day ORDER BY scheduled_for, recommendation_id
            """);
        command.Parameters.AddWithValue("day", day);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<(Guid, string?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return due;
    }

    /// <summary>
    /// Moves an open insight to <paramref name="status"/> (accepted, dismissed or scheduled), with <paramref name="apply"/>
    /// (what accepting changes, e.g. the album's price) in the same transaction: both or neither are stored. Returns the
    /// reason <paramref name="apply"/> gives for refusing (then nothing is written), or null when it applied.
    /// With <paramref name="dueBy"/>, the insight must instead be scheduled for that day or before (the scheduled day
    /// has come; its expiry no longer matters, since the decision was made while it was open) and keeps its day.
    /// </summary>
    public async Task<Decision> DecideAsync(Guid recommendationId, string status, DateOnly? scheduledFor, string actor, DateTimeOffset now,
        Func<NpgsqlConnection, NpgsqlTransaction, InsightRow, Task<string?>>? apply, CancellationToken cancellationToken, DateOnly? dueBy = null)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        InsightRow? before;
        await using (var read = new NpgsqlCommand($"SELECT {Columns} FROM ai_recommendations x WHERE x.recommendation_id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", recommendationId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            before = await reader.ReadAsync(cancellationToken) ? Read(reader, 0) : null;
        }

        if (before is null)
        {
            return new Decision(DecisionResult.NotFound, null);
        }

        if (dueBy is { } day)
        {
            if (before.Status != InsightStatuses.Scheduled || before.ScheduledFor > day)
            {
                return new Decision(DecisionResult.NotOpen, before, before.Status != InsightStatuses.Scheduled ? $"It is {before.Status}." : "Its day has not come.");
            }

            scheduledFor = before.ScheduledFor;
        }
        else if (before.Status != InsightStatuses.Pending || before.ExpiresAt <= now || !EngineTypes.Contains(before.Type))
        {
            return new Decision(DecisionResult.NotOpen, before,
                before.Type == InsightTypes.Reorder ? "A reorder insight is decided with its line in the reorder queue."
                : before.Status != InsightStatuses.Pending ? $"It is {before.Status}." : "It has expired.");
        }

        if (apply is not null && await apply(connection, transaction, before) is { } refusal)
        {
            return new Decision(DecisionResult.Refused, before, refusal);
        }

        InsightRow after;
        await using (var update = new NpgsqlCommand($"""
            WITH x AS (
                UPDATE ai_recommendations SET status = @status::recommendation_status, scheduled_for = @scheduled, decided_at = @now,
                    decided_by = @actor, version = version + 1, updated_at = @now
                WHERE recommendation_id = @id RETURNING *)
            SELECT {Columns} FROM x
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("status", status);
            update.Parameters.AddWithValue("scheduled", NpgsqlDbType.Date, (object?)scheduledFor ?? DBNull.Value);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("actor", actor);
            update.Parameters.AddWithValue("id", recommendationId);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            after = Read(reader, 0);
        }

        await transaction.CommitAsync(cancellationToken);
        await notices.PublishAsync(after.ToEvent());
        return new Decision(DecisionResult.Decided, after);
    }

    private static NpgsqlBatchCommand RaiseCommand(string sql, InsightDraft draft, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("type", draft.Type);
        command.Parameters.AddWithValue("entity", draft.EntityId);
        command.Parameters.AddWithValue("text", draft.Recommendation);
        command.Parameters.AddWithValue("insight", draft.Insight);
        command.Parameters.AddWithValue("confidence", draft.Confidence);
        command.Parameters.AddWithValue("impact", draft.Impact);
        command.Parameters.AddWithValue("metadata", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(draft.Metadata));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("expires", draft.ExpiresAt);
        return command;
    }

    private static async Task<List<InsightRow>> ExpireStaleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<InsightDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            WITH x AS (
                UPDATE ai_recommendations y SET expires_at = @now, version = version + 1, updated_at = @now
                WHERE y.status = 'pending' AND (y.expires_at IS NULL OR y.expires_at > @now) AND y.recommendation_type::text = ANY(@types)
                  AND NOT EXISTS (SELECT 1 FROM unnest(@raisedTypes, @raisedEntities) AS r(type, entity)
                                  WHERE r.type = y.recommendation_type::text AND r.entity = y.entity_id)
                RETURNING *)
            SELECT {Columns} FROM x
            """, connection, transaction);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("types", EngineTypes);
        command.Parameters.AddWithValue("raisedTypes", drafts.Select(draft => draft.Type).ToArray());
        command.Parameters.AddWithValue("raisedEntities", drafts.Select(draft => draft.EntityId).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<InsightRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader, 0));
        }

        return rows;
    }

    private static InsightRow Read(NpgsqlDataReader reader, int first) => new(
        reader.GetGuid(first), reader.GetString(first + 1), reader.IsDBNull(first + 2) ? null : reader.GetGuid(first + 2),
        reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3), reader.GetString(first + 4), reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5),
        reader.GetInt32(first + 6), reader.GetString(first + 7), reader.GetString(first + 8), reader.GetString(first + 9),
        reader.GetFieldValue<DateTimeOffset>(first + 10), reader.IsDBNull(first + 11) ? null : reader.GetFieldValue<DateTimeOffset>(first + 11),
        reader.IsDBNull(first + 12) ? null : reader.GetFieldValue<DateOnly>(first + 12),
        reader.IsDBNull(first + 13) ? null : reader.GetFieldValue<DateTimeOffset>(first + 13), reader.IsDBNull(first + 14) ? null : reader.GetString(first + 14),
        reader.GetFieldValue<DateTimeOffset>(first + 15), reader.GetInt64(first + 16));
}
