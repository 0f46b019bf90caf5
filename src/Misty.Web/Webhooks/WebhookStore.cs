using Misty.Web.Api;
using Npgsql;

namespace Misty.Web.Webhooks;

/// <summary>A webhook subscriber; its secret stays encrypted here.</summary>
public sealed record WebhookSubscriber(
    Guid SubscriberId, string Url, IReadOnlyList<string> Events, string ProtectedSecret, bool Enabled, string? DisabledReason,
    DateTimeOffset? FailingSince, DateTimeOffset CreatedAt);

/// <summary>A delivery claimed for sending, with what signing it needs.</summary>
public sealed record ClaimedDelivery(
    Guid DeliveryId, Guid SubscriberId, string Url, string ProtectedSecret, Guid EventId, string EventType, long Version, string Payload,
    int Attempts, DateTimeOffset CreatedAt);

public sealed record DeliveryResponse(
    Guid DeliveryId, Guid EventId, string EventType, Guid EntityId, long Version, string Status, int Attempts, int? LastStatusCode,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt);

/// <summary>Subscribers and their deliveries in PostgreSQL: a durable queue per subscriber, claimed by any node with a lease.</summary>
public sealed class WebhookStore(NpgsqlDataSource database)
{
    private const string SubscriberColumns = "subscriber_id, url, events, secret, enabled, disabled_reason, failing_since, created_at";

    public async Task CreateAsync(WebhookSubscriber subscriber, Guid? createdBy, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO webhook_subscribers (subscriber_id, url, events, secret, created_by) VALUES (@id, @url, @events, @secret, @by)");
        command.Parameters.AddWithValue("id", subscriber.SubscriberId);
        command.Parameters.AddWithValue("url", subscriber.Url);
        command.Parameters.AddWithValue("events", subscriber.Events.ToArray());
        command.Parameters.AddWithValue("secret", subscriber.ProtectedSecret);
        command.Parameters.AddWithValue("by", (object?)createdBy ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookSubscriber>> ListAsync(bool enabledOnly, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT {SubscriberColumns} FROM webhook_subscribers WHERE deleted_at IS NULL AND (enabled OR NOT @enabled) ORDER BY created_at");
        command.Parameters.AddWithValue("enabled", enabledOnly);
        return await ReadSubscribersAsync(command, cancellationToken);
    }

    public async Task<WebhookSubscriber?> FindAsync(Guid subscriberId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {SubscriberColumns} FROM webhook_subscribers WHERE subscriber_id = @id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("id", subscriberId);
        return await ReadSubscribersAsync(command, cancellationToken) is [var subscriber, ..] ? subscriber : null;
    }

    /// <summary>Removes the subscriber: nothing more is delivered to it; its delivery log stays.</summary>
    public async Task<bool> DeleteAsync(Guid subscriberId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            WITH gone AS (UPDATE webhook_subscribers SET deleted_at = now(), enabled = false WHERE subscriber_id = @id AND deleted_at IS NULL RETURNING subscriber_id)
            UPDATE webhook_deliveries SET status = 'abandoned', last_error = 'the subscriber was deleted'
            WHERE status = 'pending' AND subscriber_id IN (SELECT subscriber_id FROM gone)
            RETURNING 1
            """);
        command.Parameters.AddWithValue("id", subscriberId);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var check = database.CreateCommand("SELECT deleted_at IS NOT NULL FROM webhook_subscribers WHERE subscriber_id = @id");
        check.Parameters.AddWithValue("id", subscriberId);
        return await check.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>Queues the event for each subscriber once, however many nodes saw it.</summary>
    public async Task EnqueueAsync(WebhookEvent webhookEvent, IReadOnlyCollection<Guid> subscribers, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO webhook_deliveries (delivery_id, subscriber_id, event_id, event_type, entity_id, version, payload)
            SELECT gen_random_uuid(), s, @event, @type, @entity, @version, @payload::jsonb FROM unnest(@subscribers) AS s
            ON CONFLICT (subscriber_id, event_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("event", webhookEvent.EventId);
        command.Parameters.AddWithValue("type", webhookEvent.Type);
        command.Parameters.AddWithValue("entity", webhookEvent.EntityId);
        command.Parameters.AddWithValue("version", webhookEvent.Version);
        command.Parameters.AddWithValue("payload", webhookEvent.ToJson());
        command.Parameters.AddWithValue("subscribers", subscribers.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Claims due deliveries of enabled subscribers. A delivery waits while an earlier version of the same event type
    /// and entity is still pending for its subscriber (claimed or waiting to retry), so each subscriber sees an
    /// entity's versions in order.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            WITH due AS (
                SELECT d.delivery_id FROM webhook_deliveries d
                JOIN webhook_subscribers s ON s.subscriber_id = d.subscriber_id AND s.enabled AND s.deleted_at IS NULL
                WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.locked_until IS NULL OR d.locked_until < now())
                  AND NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries e
                      WHERE e.subscriber_id = d.subscriber_id AND e.entity_id = d.entity_id AND e.event_type = d.event_type
                        AND e.status = 'pending' AND e.version < d.version)
                ORDER BY d.created_at
                LIMIT @limit
                FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries d SET locked_until = now() + @lease, attempts = d.attempts + 1
            FROM due, webhook_subscribers s
            WHERE d.delivery_id = due.delivery_id AND s.subscriber_id = d.subscriber_id
            RETURNING d.delivery_id, d.subscriber_id, s.url, s.secret, d.event_id, d.event_type, d.version, d.payload::text, d.attempts, d.created_at
            """);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("lease", lease);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<ClaimedDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedDelivery(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetGuid(4),
                reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetInt32(8), reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return claimed;
    }

    public async Task DeliveredAsync(ClaimedDelivery delivery, int statusCode, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(BatchCommands.Of(
            """
            UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), locked_until = NULL, last_status_code = @code, last_error = NULL
            WHERE delivery_id = @id
            """, ("id", delivery.DeliveryId), ("code", statusCode)));
        batch.BatchCommands.Add(BatchCommands.Of("UPDATE webhook_subscribers SET failing_since = NULL WHERE subscriber_id = @s", ("s", delivery.SubscriberId)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a failed attempt: retried after <paramref name="wait"/>, or abandoned when it is null.</summary>
    /// <returns>
    /// Since when the subscriber has failed without a success in between, and when this delivery first failed.
    /// </returns>
    public async Task<(DateTimeOffset FailingSince, DateTimeOffset FirstFailedAt)> FailedAsync(
        ClaimedDelivery delivery, int? statusCode, string error, TimeSpan? wait, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            WITH subscriber AS (
                UPDATE webhook_subscribers SET failing_since = coalesce(failing_since, now()) WHERE subscriber_id = @s RETURNING failing_since),
            failed AS (
                UPDATE webhook_deliveries SET locked_until = NULL, last_status_code = @code, last_error = @error,
                    first_failed_at = coalesce(first_failed_at, now()),
                    status = CASE WHEN @abandon THEN 'abandoned' ELSE 'pending' END,
                    next_attempt_at = CASE WHEN @abandon THEN next_attempt_at ELSE now() + @wait END
                WHERE delivery_id = @id RETURNING first_failed_at)
            SELECT subscriber.failing_since, failed.first_failed_at FROM subscriber, failed
            """);
        command.Parameters.AddWithValue("s", delivery.SubscriberId);
        command.Parameters.AddWithValue("id", delivery.DeliveryId);
        command.Parameters.Add(new NpgsqlParameter("code", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)statusCode ?? DBNull.Value });
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("abandon", wait is null);
        command.Parameters.AddWithValue("wait", wait ?? TimeSpan.Zero);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1))
            : (DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
    }

    /// <returns>True when this call disabled it (it was enabled).</returns>
    public async Task<bool> DisableAsync(Guid subscriberId, string reason, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "UPDATE webhook_subscribers SET enabled = false, disabled_reason = @reason WHERE subscriber_id = @id AND enabled RETURNING 1");
        command.Parameters.AddWithValue("id", subscriberId);
        command.Parameters.AddWithValue("reason", reason);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IReadOnlyList<DeliveryResponse>> DeliveriesAsync(Guid subscriberId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT delivery_id, event_id, event_type, entity_id, version, status, attempts, last_status_code, last_error, created_at, next_attempt_at, delivered_at
            FROM webhook_deliveries WHERE subscriber_id = @id
            ORDER BY created_at DESC, version DESC LIMIT @limit OFFSET @offset
            """);
        command.Parameters.AddWithValue("id", subscriberId);
        command.Parameters.AddWithValue("limit", pageSize);
        command.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<DeliveryResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DeliveryResponse(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3), reader.GetInt64(4),
                reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return rows;
    }

    private static async Task<IReadOnlyList<WebhookSubscriber>> ReadSubscribersAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var subscribers = new List<WebhookSubscriber>();
        while (await reader.ReadAsync(cancellationToken))
        {
            subscribers.Add(new WebhookSubscriber(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetString(3),
                reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return subscribers;
    }
}
