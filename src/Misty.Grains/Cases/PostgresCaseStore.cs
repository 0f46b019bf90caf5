using Misty.Grains.Cases.Triage;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Notifications;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Cases;

public sealed class PostgresCaseStore(NpgsqlDataSource database) : ICaseStore
{
    /// <summary>How many of the customer's latest orders the triage looks at (to find the one a message names).</summary>
    private const int OrdersForTriage = 20;

    private const string OpenStatuses = "('pending', 'in_progress')";
    private const string CaseRoles = "('staff', 'manager')";

    public async Task<StoredCase?> LoadAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(
            """
            SELECT case_number, customer_id, subject, description, category::text, priority::text, status::text, assigned_to,
                   ai_sentiment, ai_score, ai_suggestion, escalated, first_response_due_at, resolution_due_at,
                   created_at, resolved_at, updated_at, version
            FROM cases WHERE case_id = @case
            """, ("case", caseId)));
        batch.BatchCommands.Add(Command(
            "SELECT message_id, user_id, message, is_internal, from_customer, created_at FROM case_messages WHERE case_id = @case ORDER BY created_at, message_id",
            ("case", caseId)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var row = new CaseRow(
            caseId,
            reader.GetString(0),
            reader.GetGuid(1),
            reader.GetString(2),
            NullableString(reader, 3),
            SchemaNames.Parse<CaseCategory>(reader.GetString(4)),
            SchemaNames.Parse<CasePriority>(reader.GetString(5)),
            SchemaNames.Parse<CaseStatus>(reader.GetString(6)),
            NullableGuid(reader, 7),
            NullableString(reader, 8),
            reader.IsDBNull(9) ? null : reader.GetInt32(9),
            NullableString(reader, 10),
            reader.GetBoolean(11),
            NullableTime(reader, 12),
            NullableTime(reader, 13),
            reader.GetFieldValue<DateTimeOffset>(14),
            NullableTime(reader, 15),
            reader.GetFieldValue<DateTimeOffset>(16),
            reader.GetInt64(17));
        await reader.NextResultAsync(cancellationToken);
        var messages = new List<CaseMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new CaseMessage(reader.GetGuid(0), NullableGuid(reader, 1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return new StoredCase(row, messages);
    }

    public async Task<string> NextCaseNumberAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A sequence hands each caller its own number, whichever silo asks, and never hands it out again.
        await using var command = database.CreateCommand("SELECT nextval('case_number_seq')");
        return CaseNumbers.Format(now, (long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    public async Task<CustomerContext?> LoadCustomerAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command("SELECT first_name FROM customers WHERE customer_id = @customer AND deleted_at IS NULL", ("customer", customerId)));
        batch.BatchCommands.Add(Command(
            """
            SELECT o.order_number, o.status::text, o.order_date, o.total,
                   s.carrier, s.tracking_number, s.status::text, s.shipped_date, s.estimated_delivery, s.actual_delivery,
                   p.status::text, coalesce(p.fraud_flagged, false), s.shipment_id IS NOT NULL
            FROM orders o
            LEFT JOIN LATERAL (
                SELECT shipment_id, carrier, tracking_number, status, shipped_date, estimated_delivery, actual_delivery
                FROM shipments WHERE order_id = o.order_id ORDER BY created_at DESC LIMIT 1) s ON true
            LEFT JOIN LATERAL (
                SELECT status, fraud_flagged FROM payments WHERE order_id = o.order_id ORDER BY created_at DESC LIMIT 1) p ON true
            WHERE o.customer_id = @customer
            ORDER BY o.order_date DESC
            LIMIT @limit
            """, ("customer", customerId), ("limit", OrdersForTriage)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var firstName = reader.GetString(0);
        await reader.NextResultAsync(cancellationToken);
        var orders = new List<OrderFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var shipment = reader.GetBoolean(12)
                ? new ShipmentFacts(NullableString(reader, 4), NullableString(reader, 5), reader.GetString(6), NullableTime(reader, 7),
                    NullableTime(reader, 8), NullableTime(reader, 9))
                : null;
            orders.Add(new OrderFacts(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetDecimal(3),
                shipment, NullableString(reader, 10), reader.GetBoolean(11)));
        }

        return new CustomerContext(firstName, orders);
    }

    public async Task<bool> IsAssignableAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT EXISTS (SELECT 1 FROM users WHERE user_id = @user AND role IN {CaseRoles} AND active AND deleted_at IS NULL)");
        command.Parameters.AddWithValue("user", userId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<StaffWorkload> LoadWorkloadAsync(IReadOnlyCollection<Guid> caseIds, int defaultCapacity, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(
            $"""
            SELECT u.user_id, coalesce(u.case_capacity, @capacity), count(c.case_id)::int
            FROM users u
            LEFT JOIN cases c ON c.assigned_to = u.user_id AND c.status IN {OpenStatuses}
            WHERE u.role IN {CaseRoles} AND u.active AND u.deleted_at IS NULL
            GROUP BY u.user_id, u.case_capacity
            """, ("capacity", defaultCapacity)));
        batch.BatchCommands.Add(Command(
            $"SELECT case_id, assigned_to, status IN {OpenStatuses} FROM cases WHERE case_id = ANY(@cases)", ("cases", caseIds.ToArray())));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var staff = new List<StaffLoad>();
        while (await reader.ReadAsync(cancellationToken))
        {
            staff.Add(new StaffLoad(reader.GetGuid(0), reader.GetInt32(2), reader.GetInt32(1)));
        }

        await reader.NextResultAsync(cancellationToken);
        var cases = new Dictionary<Guid, CaseLoad>();
        while (await reader.ReadAsync(cancellationToken))
        {
            cases[reader.GetGuid(0)] = new CaseLoad(NullableGuid(reader, 1), reader.GetBoolean(2));
        }

        return new StaffWorkload(staff, cases);
    }

    public async Task ProjectAsync(CaseProjection projection, bool overwrite, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // The row first: messages and history reference it. Only a newer version may overwrite it, so replays and
            // late projections change nothing.
            var row = projection.Row;
            batch.BatchCommands.Add(Command(
                """
                INSERT INTO cases (case_id, case_number, customer_id, subject, description, category, priority, status, assigned_to,
                                   ai_sentiment, ai_score, ai_suggestion, escalated, first_response_due_at, resolution_due_at,
                                   created_at, resolved_at, updated_at, version)
                VALUES (@case, @number, @customer, @subject, @description, @category::case_category, @priority::priority_level,
                        @status::case_status, @assigned, @sentiment, @score, @suggestion, @escalated, @first_due, @resolution_due,
                        @created, @resolved, @updated, @version)
                ON CONFLICT (case_id) DO UPDATE SET
                    subject = EXCLUDED.subject, description = EXCLUDED.description, category = EXCLUDED.category,
                    priority = EXCLUDED.priority, status = EXCLUDED.status, assigned_to = EXCLUDED.assigned_to,
                    ai_sentiment = EXCLUDED.ai_sentiment, ai_score = EXCLUDED.ai_score, ai_suggestion = EXCLUDED.ai_suggestion,
                    escalated = EXCLUDED.escalated, first_response_due_at = EXCLUDED.first_response_due_at,
                    resolution_due_at = EXCLUDED.resolution_due_at, resolved_at = EXCLUDED.resolved_at,
                    updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
                WHERE cases.version < EXCLUDED.version OR @overwrite
                """,
                ("case", row.CaseId), ("number", row.CaseNumber), ("customer", row.CustomerId), ("subject", row.Subject),
                ("description", Text(row.Description)), ("category", SchemaNames.Of(row.Category)),
                ("priority", SchemaNames.Of(row.Priority)), ("status", SchemaNames.Of(row.Status)),
                ("assigned", Uuid(row.AssignedTo)), ("sentiment", Text(row.AiSentiment)),
                ("score", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)row.AiScore ?? DBNull.Value }),
                ("suggestion", Text(row.AiSuggestion)), ("escalated", row.Escalated), ("first_due", Time(row.FirstResponseDueAt)),
                ("resolution_due", Time(row.ResolutionDueAt)), ("created", row.CreatedAt), ("resolved", Time(row.ResolvedAt)),
                ("updated", row.UpdatedAt), ("version", row.Version), ("overwrite", overwrite)));
            foreach (var message in projection.Messages)
            {
                batch.BatchCommands.Add(Command(
                    """
                    INSERT INTO case_messages (message_id, case_id, user_id, message, is_internal, from_customer, created_at)
                    VALUES (@message, @case, @user, @text, @internal, @customer, @at)
                    ON CONFLICT (message_id) DO NOTHING
                    """,
                    ("message", message.MessageId), ("case", row.CaseId), ("user", Uuid(message.UserId)), ("text", message.Message),
                    ("internal", message.IsInternal), ("customer", message.FromCustomer), ("at", message.CreatedAt)));
            }

            if (!overwrite)
            {
                // The customer's emails commit with the messages that owe them (a rebuild sends none).
                NotificationRows.AddTo(batch, CaseNotifications.Derive(row, projection.Messages, DateTimeOffset.UtcNow, NotificationRows.Horizon));
            }

            foreach (var entry in projection.History)
            {
                batch.BatchCommands.Add(Command(
                    """
                    INSERT INTO case_events (event_id, case_id, event_type, user_id, from_value, to_value, sla_target, detail, created_at)
                    VALUES (@event, @case, @type, @user, @from, @to, @target, @detail, @at)
                    ON CONFLICT (event_id) DO NOTHING
                    """,
                    ("event", entry.EntryId), ("case", row.CaseId), ("type", SchemaNames.Of(entry.Kind)), ("user", Uuid(entry.UserId)),
                    ("from", Text(entry.From)), ("to", Text(entry.To)),
                    ("target", Text(entry.Target is { } target ? SchemaNames.Of(target) : null)), ("detail", entry.Detail),
                    ("at", entry.At)));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            if (value is NpgsqlParameter typed)
            {
                typed.ParameterName = name;
                command.Parameters.Add(typed);
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        return command;
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Uuid(Guid? value) => new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(DateTimeOffset? value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)value ?? DBNull.Value };

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static Guid? NullableGuid(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
