using Misty.Tests.Infrastructure;

namespace Misty.Tests.Cases;

/// <summary>The rows cases depend on (customers, their orders, staff), inserted directly for tests about cases.</summary>
internal static class CaseTestData
{
    public static async Task<Guid> InsertCustomerAsync(string connectionString, string firstName = "Ada", string? email = null)
    {
        var customerId = Guid.NewGuid();
        await TestSql.ExecuteAsync(connectionString,
            "INSERT INTO customers (customer_id, email, first_name, last_name) VALUES (@id, @email, @first, 'Lovelace')",
            ("id", customerId), ("email", email ?? $"customer-{customerId:N}@test.misty"), ("first", firstName));
        return customerId;
    }

    /// <summary>An order in transit: shipped with DHL two days before <paramref name="placedAt"/> + 1 day, paid.</summary>
    public static async Task InsertShippedOrderAsync(string connectionString, Guid customerId, string orderNumber, string trackingNumber, DateTimeOffset placedAt)
    {
        await TestSql.ExecuteAsync(connectionString,
            """
            WITH placed AS (
                INSERT INTO orders (customer_id, order_number, subtotal, total, status, channel, order_date)
                VALUES (@customer, @number, 40, 44.90, 'shipped', 'online', @placed)
                RETURNING order_id),
            paid AS (
                INSERT INTO payments (order_id, amount, payment_method, status, payment_date)
                SELECT order_id, 44.90, 'card', 'completed', @placed FROM placed)
            INSERT INTO shipments (order_id, tracking_number, carrier, status, shipped_date, estimated_delivery)
            SELECT order_id, @tracking, 'DHL', 'in_transit', @shipped, @due FROM placed
            """,
            ("customer", customerId), ("number", orderNumber), ("tracking", trackingNumber), ("placed", placedAt),
            ("shipped", placedAt.AddDays(1)), ("due", placedAt.AddDays(4)));
    }

    /// <summary>An active user of <paramref name="role"/> (staff or manager handle cases).</summary>
    public static async Task<Guid> InsertStaffAsync(string connectionString, string role = "staff", int? capacity = null)
    {
        var userId = Guid.NewGuid();
        await TestSql.ExecuteAsync(connectionString,
            "INSERT INTO users (user_id, email, first_name, last_name, role, case_capacity) VALUES (@id, @email, 'Test', 'Clerk', @role::user_role, @capacity)",
            ("id", userId), ("email", $"{role}-{userId:N}@test.misty"), ("role", role), ("capacity", (object?)capacity ?? DBNull.Value));
        return userId;
    }

    /// <summary>A case as the seeder writes it: only rows (version 0), a customer's message and a staff reply.</summary>
    public static async Task<Guid> InsertSeededCaseAsync(string connectionString, Guid customerId, Guid assignee, string caseNumber, DateTimeOffset createdAt)
    {
        var caseId = Guid.NewGuid();
        await TestSql.ExecuteAsync(connectionString,
            """
            WITH opened AS (
                INSERT INTO cases (case_id, case_number, customer_id, subject, description, category, priority, status, assigned_to,
                                   ai_sentiment, ai_score, ai_suggestion, created_at, updated_at)
                VALUES (@case, @number, @customer, 'Wrong record', 'The parcel had the wrong record in it.', 'order_issue', 'medium',
                        'in_progress', @assignee, 'frustrated', 50, 'Apologise and send the right record.', @created, @replied)
                RETURNING case_id)
            INSERT INTO case_messages (case_id, user_id, message, is_internal, from_customer, created_at)
            SELECT case_id, NULL, 'The parcel had the wrong record in it.', false, true, @created FROM opened
            UNION ALL
            SELECT case_id, @assignee, 'Sorry! The right one ships today.', false, false, @replied FROM opened
            """,
            ("case", caseId), ("number", caseNumber), ("customer", customerId), ("assignee", assignee), ("created", createdAt),
            ("replied", createdAt.AddHours(1)));
        return caseId;
    }
}
