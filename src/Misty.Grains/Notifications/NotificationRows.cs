using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Notifications;

/// <summary>
/// Queues notifications as rows of the projection's own transaction: they commit with the rows of the change that
/// caused them, and a replayed projection inserts nothing twice.
/// </summary>
public static class NotificationRows
{
    /// <summary>How old an event may be and still be mailed (see <see cref="OrderNotifications"/>).</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(2);

    public static void AddTo(NpgsqlBatch batch, IEnumerable<CustomerNotification> notifications)
    {
        foreach (var notification in notifications)
        {
            var command = new NpgsqlBatchCommand(
                """
                INSERT INTO notifications (notification_id, customer_id, kind, order_id, case_id, message_id, in_reply_to, payload)
                VALUES (@id, @customer, @kind, @order, @case, @message_id, @thread, @payload)
                ON CONFLICT (notification_id) DO NOTHING
                """);
            command.Parameters.AddWithValue("id", notification.NotificationId);
            command.Parameters.AddWithValue("customer", notification.CustomerId);
            command.Parameters.AddWithValue("kind", notification.Kind);
            command.Parameters.Add(new NpgsqlParameter("order", NpgsqlDbType.Uuid) { Value = (object?)notification.OrderId ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("case", NpgsqlDbType.Uuid) { Value = (object?)notification.CaseId ?? DBNull.Value });
            command.Parameters.AddWithValue("message_id", notification.MessageId);
            command.Parameters.Add(new NpgsqlParameter("thread", NpgsqlDbType.Varchar) { Value = (object?)notification.ThreadId ?? DBNull.Value });
            command.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(notification.Fields));
            batch.BatchCommands.Add(command);
        }
    }
}
