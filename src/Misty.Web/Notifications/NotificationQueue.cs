using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Notifications;

/// <summary>A queued email claimed for sending, with the customer it goes to.</summary>
public sealed record ClaimedNotification(
    Guid NotificationId,
    Guid CustomerId,
    string Kind,
    string MessageId,
    string? InReplyTo,
    IReadOnlyDictionary<string, string> Fields,
    int Attempts,
    string? Email,
    string CustomerName);

/// <summary>A notifications row as staff see it.</summary>
public sealed record NotificationResponse(
    Guid NotificationId,
    Guid CustomerId,
    string Kind,
    Guid? OrderId,
    Guid? CaseId,
    string MessageId,
    string Status,
    string? Recipient,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt);

/// <summary>
/// The notifications table as a work queue: senders on any node claim due rows with a lease (a sender that dies
/// leaves them to be claimed again when it runs out), then record the outcome.
/// </summary>
public sealed class NotificationQueue(NpgsqlDataSource database)
{
    public async Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            WITH due AS (
                SELECT notification_id FROM notifications
                WHERE status = 'queued' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
                ORDER BY created_at
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            UPDATE notifications n SET locked_until = now() + @lease, attempts = n.attempts + 1
            FROM due
            WHERE n.notification_id = due.notification_id
            RETURNING n.notification_id, n.customer_id, n.kind, n.message_id, n.in_reply_to, n.payload::text, n.attempts,
                      (SELECT c.email FROM customers c WHERE c.customer_id = n.customer_id),
                      coalesce((SELECT c.first_name FROM customers c WHERE c.customer_id = n.customer_id), '')
            """);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("lease", lease);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<ClaimedNotification>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedNotification(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5))!,
                reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetString(8)));
        }

        return claimed;
    }

    public Task MarkSentAsync(Guid notificationId, string recipient, CancellationToken cancellationToken) => ExecuteAsync(
        "UPDATE notifications SET status = 'sent', sent_at = now(), recipient = @recipient, locked_until = NULL, last_error = NULL WHERE notification_id = @id",
        cancellationToken, ("id", notificationId), ("recipient", recipient));

    public Task RetryLaterAsync(Guid notificationId, TimeSpan wait, string error, CancellationToken cancellationToken) => ExecuteAsync(
        "UPDATE notifications SET next_attempt_at = now() + @wait, locked_until = NULL, last_error = @error WHERE notification_id = @id",
        cancellationToken, ("id", notificationId), ("wait", wait), ("error", error));

    /// <summary>
    /// Gives up on the email for good; a bounce or a refused address is also recorded on the customer, where staff
    /// see it (GET /api/notifications shows the row and its reason).
    /// </summary>
    public Task FailAsync(Guid notificationId, Guid customerId, string status, string? recipient, string error, bool addressProblem,
        CancellationToken cancellationToken) => ExecuteAsync(
        """
        WITH failed AS (
            UPDATE notifications SET status = @status, locked_until = NULL, last_error = @error, recipient = @recipient
            WHERE notification_id = @id RETURNING customer_id)
        UPDATE customers SET email_undeliverable_at = now(), email_undeliverable_reason = @error
        WHERE @address AND customer_id = @customer
        """,
        cancellationToken, ("id", notificationId), ("customer", customerId), ("status", status), ("error", error),
        ("recipient", (object?)recipient ?? DBNull.Value), ("address", addressProblem));

    /// <summary>Records a bounce reported after the email was accepted (a delivery status notification or a relay's report).</summary>
    /// <returns>False when no email has that Message-ID.</returns>
    public async Task<bool> RecordBounceAsync(string messageId, string reason, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            WITH bounced AS (
                UPDATE notifications SET status = 'bounced', last_error = @reason WHERE message_id = @message RETURNING customer_id)
            UPDATE customers SET email_undeliverable_at = now(), email_undeliverable_reason = @reason
            FROM bounced WHERE customers.customer_id = bounced.customer_id
            RETURNING customers.customer_id
            """);
        command.Parameters.AddWithValue("message", messageId);
        command.Parameters.AddWithValue("reason", reason);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IReadOnlyList<NotificationResponse>> ListAsync(Guid? customerId, string? status, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT notification_id, customer_id, kind, order_id, case_id, message_id, status, recipient, attempts, last_error, created_at, sent_at
            FROM notifications
            WHERE (@customer IS NULL OR customer_id = @customer) AND (@status IS NULL OR status = @status)
            ORDER BY created_at DESC, notification_id
            LIMIT @limit OFFSET @offset
            """);
        command.Parameters.Add(new NpgsqlParameter("customer", NpgsqlDbType.Uuid) { Value = (object?)customerId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Varchar) { Value = (object?)status ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", pageSize);
        command.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<NotificationResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new NotificationResponse(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetString(5), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetInt32(8), reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return rows;
    }

    /// <returns>When and why email to the customer last failed for good, or null.</returns>
    /// <summary>Whether the customer's email is undeliverable, since when and why; null when there is no such customer.</summary>
    public async Task<(DateTimeOffset? At, string? Reason)?> UndeliverableAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT email_undeliverable_at, email_undeliverable_reason FROM customers WHERE customer_id = @id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("id", customerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return reader.IsDBNull(0) ? (null, null) : (reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? "" : reader.GetString(1));
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
