using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Customers;

public sealed class PostgresCustomerStore(NpgsqlDataSource database) : ICustomerStore
{
    public async Task<CustomerState?> LoadCustomerAsync(Guid customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(Command(
            """
            SELECT email, first_name, last_name, phone, address, date_joined, lifetime_value, total_purchases, preferred_genre,
                   status::text, created_at, updated_at, version
            FROM customers WHERE customer_id = @id AND deleted_at IS NULL
            """, customerId));
        batch.BatchCommands.Add(Command(
            """
            SELECT segment_id, segment_type::text, coalesce(segment_score, 0), created_at
            FROM customer_segments WHERE customer_id = @id ORDER BY assigned_date DESC, created_at DESC LIMIT 1
            """, customerId));
        batch.BatchCommands.Add(Command(
            "SELECT order_id, total, order_date, status = 'cancelled' FROM orders WHERE customer_id = @id", customerId));
        // What the customer bought and kept, per album with its genre.
        batch.BatchCommands.Add(Command(
            """
            SELECT i.album_id, g.name, sum(i.quantity)::int
            FROM order_items i JOIN orders o ON o.order_id = i.order_id
            JOIN albums a ON a.album_id = i.album_id LEFT JOIN genres g ON g.genre_id = a.genre_id
            WHERE o.customer_id = @id AND o.status <> 'cancelled'
            GROUP BY i.album_id, g.name
            """, customerId));
        var attempts = Command(
            """
            SELECT p.payment_id, coalesce(p.payment_date, p.created_at), p.status = 'failed'
            FROM payments p JOIN orders o ON o.order_id = p.order_id
            WHERE o.customer_id = @id AND p.created_at > @since
            """, customerId);
        attempts.Parameters.AddWithValue("since", now - CustomerBook.AttemptMemory);
        batch.BatchCommands.Add(attempts);
        batch.BatchCommands.Add(Command("SELECT album_id, review_id FROM reviews WHERE customer_id = @id AND deleted_at IS NULL", customerId));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var customer = ReadCustomer(reader);
        await reader.NextResultAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            var segment = SchemaNames.Parse<SegmentType>(reader.GetString(1));
            customer.Segment = new SegmentAssignment(reader.GetGuid(0), segment, reader.GetDecimal(2), reader.GetFieldValue<DateTimeOffset>(3));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var cancelled = reader.GetBoolean(3);
            var order = new CustomerOrder(reader.GetDecimal(1), reader.GetFieldValue<DateTimeOffset>(2),
                cancelled ? CustomerOrderPhase.Cancelled : CustomerOrderPhase.Purchased);
            customer.Orders[reader.GetGuid(0)] = order;
            if (!cancelled)
            {
                customer.LargestPurchase = Math.Max(customer.LargestPurchase, order.Amount);
                customer.LastPurchaseAt = customer.LastPurchaseAt > order.PlacedAt ? customer.LastPurchaseAt : order.PlacedAt;
            }
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var units = reader.GetInt32(2);
            customer.AlbumUnits[reader.GetGuid(0)] = units;
            if (!reader.IsDBNull(1))
            {
                customer.GenreUnits[reader.GetString(1)] = customer.GenreUnits.GetValueOrDefault(reader.GetString(1)) + units;
            }
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            customer.PaymentAttempts[reader.GetGuid(0)] = new PaymentAttempt(reader.GetFieldValue<DateTimeOffset>(1), reader.GetBoolean(2));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            customer.Reviews[reader.GetGuid(0)] = reader.GetGuid(1);
        }

        return customer;
    }

    public async Task<Guid?> FindCustomerByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT customer_id FROM customers WHERE email = @email");
        command.Parameters.AddWithValue("email", email);
        return await command.ExecuteScalarAsync(cancellationToken) is Guid customerId ? customerId : null;
    }

    public async Task<bool> AlbumExistsAsync(Guid albumId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM albums WHERE album_id = @id AND deleted_at IS NULL)");
        command.Parameters.AddWithValue("id", albumId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task ProjectAsync(Guid customerId, CustomerState customer, bool overwrite, CancellationToken cancellationToken)
    {
        // One round trip, and still all or nothing: PostgreSQL runs a batch (one Sync) as one implicit transaction.
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(CustomerCommand(customerId, customer, overwrite));
        if (customer.Segment is { } segment)
        {
            batch.BatchCommands.Add(SegmentCommand(customerId, segment, customer.UpdatedAt));
        }

        foreach (var interaction in customer.PendingInteractions)
        {
            batch.BatchCommands.Add(InteractionCommand(customerId, interaction));
        }

        foreach (var review in customer.PendingReviews)
        {
            batch.BatchCommands.Add(ReviewCommand(customerId, review));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand CustomerCommand(Guid customerId, CustomerState customer, bool overwrite)
    {
        // Only a newer version may overwrite the row: replays and late projections change nothing.
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO customers (customer_id, email, first_name, last_name, phone, address, date_joined, lifetime_value,
                                   total_purchases, preferred_genre, status, created_at, updated_at, version)
            VALUES (@id, @email, @first, @last, @phone, @address, @joined, @value, @purchases, @genre, @status::customer_status,
                    @created, @updated, @version)
            ON CONFLICT (customer_id) DO UPDATE SET
                email = EXCLUDED.email, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, phone = EXCLUDED.phone,
                address = EXCLUDED.address, lifetime_value = EXCLUDED.lifetime_value, total_purchases = EXCLUDED.total_purchases,
                preferred_genre = EXCLUDED.preferred_genre, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
                version = EXCLUDED.version
            WHERE customers.version < EXCLUDED.version OR @overwrite
            """);
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("email", customer.Email);
        command.Parameters.AddWithValue("first", customer.FirstName);
        command.Parameters.AddWithValue("last", customer.LastName);
        command.Parameters.Add(Nullable("phone", NpgsqlDbType.Varchar, customer.Phone));
        command.Parameters.Add(Nullable("address", NpgsqlDbType.Text, customer.Address));
        command.Parameters.AddWithValue("joined", DateOnly.FromDateTime(customer.JoinedAt.UtcDateTime));
        command.Parameters.AddWithValue("value", customer.LifetimeValue);
        command.Parameters.AddWithValue("purchases", customer.TotalPurchases);
        command.Parameters.Add(Nullable("genre", NpgsqlDbType.Varchar, customer.PreferredGenre));
        command.Parameters.AddWithValue("status", SchemaNames.Of(customer.Status));
        command.Parameters.AddWithValue("created", customer.CreatedAt);
        command.Parameters.AddWithValue("updated", customer.UpdatedAt);
        command.Parameters.AddWithValue("version", customer.Version);
        command.Parameters.AddWithValue("overwrite", overwrite);
        return command;
    }

    /// <summary>The current assignment's row: a new segment is a new row (the old ones stay as history), a new score updates it.</summary>
    private static NpgsqlBatchCommand SegmentCommand(Guid customerId, SegmentAssignment segment, DateTimeOffset updatedAt)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO customer_segments (segment_id, customer_id, segment_type, assigned_date, segment_score, created_at, updated_at)
            VALUES (@id, @customer, @type::segment_type, @assigned, @score, @created, @updated)
            ON CONFLICT (segment_id) DO UPDATE SET segment_score = EXCLUDED.segment_score, updated_at = EXCLUDED.updated_at
            WHERE customer_segments.segment_score IS DISTINCT FROM EXCLUDED.segment_score
            """);
        command.Parameters.AddWithValue("id", segment.SegmentId);
        command.Parameters.AddWithValue("customer", customerId);
        command.Parameters.AddWithValue("type", SchemaNames.Of(segment.SegmentType));
        command.Parameters.AddWithValue("assigned", DateOnly.FromDateTime(segment.AssignedAt.UtcDateTime));
        command.Parameters.AddWithValue("score", segment.SegmentScore);
        command.Parameters.AddWithValue("created", segment.AssignedAt);
        command.Parameters.AddWithValue("updated", updatedAt);
        return command;
    }

    private static NpgsqlBatchCommand InteractionCommand(Guid customerId, InteractionRecord interaction)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO customer_interactions (interaction_id, customer_id, interaction_type, summary, sentiment, interaction_date)
            VALUES (@id, @customer, @type::interaction_type, @summary, @sentiment, @date)
            ON CONFLICT (interaction_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", interaction.InteractionId);
        command.Parameters.AddWithValue("customer", customerId);
        command.Parameters.AddWithValue("type", SchemaNames.Of(interaction.InteractionType));
        command.Parameters.AddWithValue("summary", interaction.Summary);
        command.Parameters.AddWithValue("sentiment", interaction.Sentiment);
        command.Parameters.AddWithValue("date", interaction.InteractionDate);
        return command;
    }

    private static NpgsqlBatchCommand ReviewCommand(Guid customerId, ReviewRecord review)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO reviews (review_id, customer_id, album_id, rating, review_text, sentiment, sentiment_score, verified_purchase,
                                 created_at, updated_at)
            VALUES (@id, @customer, @album, @rating, @text, @sentiment, @score, @verified, @at, @at)
            ON CONFLICT (review_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", review.ReviewId);
        command.Parameters.AddWithValue("customer", customerId);
        command.Parameters.AddWithValue("album", review.AlbumId);
        command.Parameters.AddWithValue("rating", review.Rating);
        command.Parameters.Add(Nullable("text", NpgsqlDbType.Text, review.ReviewText));
        command.Parameters.AddWithValue("sentiment", review.Sentiment);
        command.Parameters.AddWithValue("score", review.SentimentScore);
        command.Parameters.AddWithValue("verified", review.VerifiedPurchase);
        command.Parameters.AddWithValue("at", review.CreatedAt);
        return command;
    }

    private static CustomerState ReadCustomer(NpgsqlDataReader reader)
    {
        var status = SchemaNames.Parse<CustomerStatus>(reader.GetString(9));
        return new CustomerState
        {
            Exists = true,
            Email = reader.GetString(0),
            FirstName = reader.GetString(1),
            LastName = reader.GetString(2),
            Phone = reader.IsDBNull(3) ? null : reader.GetString(3),
            Address = reader.IsDBNull(4) ? null : reader.GetString(4),
            JoinedAt = new DateTimeOffset(reader.GetFieldValue<DateOnly>(5).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            LifetimeValue = reader.GetDecimal(6),
            TotalPurchases = reader.GetInt32(7),
            PreferredGenre = reader.IsDBNull(8) ? null : reader.GetString(8),
            Status = status,
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(10),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(11),
            Version = reader.GetInt64(12),
        };
    }

    private static NpgsqlBatchCommand Command(string sql, Guid customerId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("id", customerId);
        return command;
    }

    private static NpgsqlParameter Nullable(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };
}
