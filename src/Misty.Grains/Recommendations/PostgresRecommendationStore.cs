using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Recommendations;

/// <summary>A customer_recommendations row as the API shows it, with the album's title and artist.</summary>
public sealed record StoredRecommendation(
    Guid RecId, Guid AlbumId, string Title, string Artist, decimal RecommendationScore, string? Reason,
    bool Clicked, bool Purchased, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>Purchases in, lists out: the rows the recommender reads and writes.</summary>
public sealed class PostgresRecommendationStore(NpgsqlDataSource database)
{
    /// <summary>Every order line of an order that was not cancelled, as purchase lines (customer and album ids as text).</summary>
    public async Task<List<PurchaseLine>> PurchasesAsync(Guid? customer, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT o.customer_id, oi.album_id, o.order_date, oi.quantity
            FROM order_items oi JOIN orders o ON o.order_id = oi.order_id
            WHERE o.status <> 'cancelled' AND (@customer::uuid IS NULL OR o.customer_id = @customer)
            """);
        command.Parameters.Add(new NpgsqlParameter("customer", NpgsqlDbType.Uuid) { Value = customer is { } id ? id : DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<PurchaseLine>();
        var ids = new Dictionary<Guid, string>();
        string Text(Guid id) => ids.TryGetValue(id, out var text) ? text : ids[id] = id.ToString();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new PurchaseLine(Text(reader.GetGuid(0)), Text(reader.GetGuid(1)), reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3)));
        }

        return lines;
    }

    /// <summary>Live customers, so that those without an order get a list too.</summary>
    public async Task<List<Guid>> CustomersAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT customer_id FROM customers WHERE deleted_at IS NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var customers = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            customers.Add(reader.GetGuid(0));
        }

        return customers;
    }

    public async Task<Dictionary<string, AlbumFacts>> AlbumsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT a.album_id, a.title, a.artist, g.name, COALESCE(i.quantity - i.reserved_quantity, 0) > 0
            FROM albums a LEFT JOIN genres g ON g.genre_id = a.genre_id LEFT JOIN inventory i ON i.album_id = a.album_id
            WHERE a.deleted_at IS NULL
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var albums = new Dictionary<string, AlbumFacts>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            albums[reader.GetGuid(0).ToString()] = new AlbumFacts(
                reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4));
        }

        return albums;
    }

    /// <summary>
    /// Replaces the listed customers' current lists in one transaction. Rows the customer clicked or bought from are
    /// kept (expired) as the record of what worked; the others are deleted.
    /// </summary>
    public async Task ReplaceAsync(
        IReadOnlyList<(Guid Customer, IReadOnlyList<AlbumSuggestion> Suggestions)> lists, DateTimeOffset now, DateTimeOffset expiresAt,
        CancellationToken cancellationToken)
    {
        var customers = lists.Select(l => l.Customer).ToArray();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand(
            """
            DELETE FROM customer_recommendations WHERE customer_id = ANY(@customers) AND NOT clicked AND NOT purchased;
            UPDATE customer_recommendations SET expires_at = @now WHERE customer_id = ANY(@customers) AND (expires_at IS NULL OR expires_at > @now);
            """, connection, transaction))
        {
            clear.Parameters.AddWithValue("customers", customers);
            clear.Parameters.AddWithValue("now", now);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY customer_recommendations (customer_id, album_id, recommendation_score, reason, created_at, expires_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var (customer, suggestions) in lists)
            {
                foreach (var suggestion in suggestions)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(customer, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(suggestion.AlbumId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(suggestion.Score, NpgsqlDbType.Numeric, cancellationToken);
                    await importer.WriteAsync(suggestion.Reason, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                    await importer.WriteAsync(expiresAt, NpgsqlDbType.TimestampTz, cancellationToken);
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The customer's current list, best first, leaving out what they bought since and what is out of stock now; null
    /// when the customers table has no live row of them (unknown, erased, or created a moment ago and not projected yet).
    /// </summary>
    public async Task<List<StoredRecommendation>?> CurrentAsync(Guid customer, int k, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One round trip: the customer's row, then their suggestions beside it (none gives one row of nulls).
        await using var command = database.CreateCommand(
            """
            SELECT r.rec_id, r.album_id, r.title, r.artist, r.recommendation_score, r.reason, r.clicked, r.purchased, r.created_at, r.expires_at
            FROM customers c
            LEFT JOIN LATERAL (
                SELECT x.rec_id, x.album_id, a.title, a.artist, x.recommendation_score, x.reason, x.clicked, x.purchased, x.created_at, x.expires_at
                FROM customer_recommendations x
                JOIN albums a ON a.album_id = x.album_id AND a.deleted_at IS NULL
                JOIN inventory i ON i.album_id = x.album_id AND i.quantity > i.reserved_quantity
                WHERE x.customer_id = c.customer_id AND x.expires_at > @now AND NOT x.purchased
                ORDER BY x.recommendation_score DESC, x.rec_id
                LIMIT @k) r ON true
            WHERE c.customer_id = @customer AND c.deleted_at IS NULL
            ORDER BY r.recommendation_score DESC, r.rec_id
            """);
        command.Parameters.AddWithValue("customer", customer);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("k", k);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var rows = new List<StoredRecommendation>(k);
        do
        {
            if (reader.IsDBNull(0))
            {
                break;
            }

            rows.Add(new StoredRecommendation(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetDecimal(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetBoolean(6), reader.GetBoolean(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }
        while (await reader.ReadAsync(cancellationToken));

        return rows;
    }

    /// <summary>Marks one of the customer's suggestions clicked; false when the customer has no such suggestion.</summary>
    public async Task<bool> ClickAsync(Guid customer, Guid recId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("UPDATE customer_recommendations SET clicked = true WHERE rec_id = @rec AND customer_id = @customer");
        command.Parameters.AddWithValue("rec", recId);
        command.Parameters.AddWithValue("customer", customer);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Marks the customer's suggestions of these albums purchased.</summary>
    public async Task<int> MarkPurchasedAsync(Guid customer, IReadOnlyCollection<Guid> albums, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "UPDATE customer_recommendations SET purchased = true WHERE customer_id = @customer AND album_id = ANY(@albums) AND NOT purchased");
        command.Parameters.AddWithValue("customer", customer);
        command.Parameters.AddWithValue("albums", albums.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records the model's parameters and latest offline accuracy in ai_model_config (one row per model name).</summary>
    public async Task RegisterModelAsync(string modelName, string parametersJson, decimal accuracyScore, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            WITH updated AS (
                UPDATE ai_model_config SET model_parameters = @parameters::jsonb, accuracy_score = @accuracy, active = true
                WHERE model_name = @name AND model_kind = 'engine' RETURNING config_id)
            INSERT INTO ai_model_config (model_name, model_provider, model_kind, model_parameters, accuracy_score)
            SELECT @name, 'custom', 'engine', @parameters::jsonb, @accuracy WHERE NOT EXISTS (SELECT 1 FROM updated)
            """);
        command.Parameters.AddWithValue("name", modelName);
        command.Parameters.AddWithValue("parameters", parametersJson);
        command.Parameters.AddWithValue("accuracy", accuracyScore);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
