using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Npgsql;

namespace Misty.Grains.Customers;

/// <summary>A customer's figures as their projected rows hold them: what the segment rule reads, and what it said last.</summary>
public sealed record CustomerFigures(
    Guid CustomerId, DateOnly Joined, DateTimeOffset? LastPurchaseAt, int Purchases, decimal LifetimeValue, CustomerStatus Status,
    SegmentType? Segment, decimal? Score);

/// <summary>
/// Which customers the nightly segment refresh must wake: those whose segment or status the rule now gives differently,
/// or whose score has moved by at least <see cref="ScoreTolerance"/>. The rows mirror each customer's grain state, so this
/// asks the same question the grain would, for every customer at once; only the customers it names are woken, and the
/// grain decides again from its own state. A score that drifted less waits for a later night or the customer's next order.
/// </summary>
public static class SegmentDrift
{
    /// <summary>Recency alone moves a score by about 0.075 a day: a point is about two weeks of fading.</summary>
    public const decimal ScoreTolerance = 1m;

    public static bool IsDue(CustomerFigures customer, DateTimeOffset now)
    {
        var joined = new DateTimeOffset(customer.Joined.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var fit = CustomerSegmentation.Assess(joined, customer.LastPurchaseAt, customer.Purchases, customer.LifetimeValue, now);
        var status = CustomerSegmentation.StatusOf(fit.Type, joined, customer.LastPurchaseAt, now);
        return customer.Segment != fit.Type || customer.Status != status || customer.Score is not { } score || Math.Abs(score - fit.Score) >= ScoreTolerance;
    }

    /// <summary>Every live customer's figures, from the customers, customer_segments and orders rows, in one query.</summary>
    public static async Task<IReadOnlyList<CustomerFigures>> ReadAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT c.customer_id, c.date_joined, o.last_purchase, c.total_purchases, c.lifetime_value, c.status::text, s.segment_type::text, s.segment_score
            FROM customers c
            LEFT JOIN LATERAL (
                SELECT segment_type, segment_score FROM customer_segments x WHERE x.customer_id = c.customer_id
                ORDER BY assigned_date DESC, created_at DESC LIMIT 1) s ON true
            LEFT JOIN (
                SELECT customer_id, max(order_date) AS last_purchase FROM orders WHERE status <> 'cancelled' GROUP BY customer_id) o
                ON o.customer_id = c.customer_id
            WHERE c.deleted_at IS NULL
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var customers = new List<CustomerFigures>();
        while (await reader.ReadAsync(cancellationToken))
        {
            customers.Add(new CustomerFigures(reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3), reader.GetDecimal(4),
                SchemaNames.Parse<CustomerStatus>(reader.GetString(5)), reader.IsDBNull(6) ? null : SchemaNames.Parse<SegmentType>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetDecimal(7)));
        }

        return customers;
    }
}
