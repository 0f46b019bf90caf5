using Npgsql;

namespace Misty.Baseline;

public abstract record ReserveOutcome
{
    public sealed record Created(ReservationAnswer Answer) : ReserveOutcome;

    /// <summary>A retry of a stored request: its first answer, unchanged.</summary>
    public sealed record Replayed(ReservationAnswer Answer) : ReserveOutcome;

    /// <summary>The idempotency key already names a different request.</summary>
    public sealed record KeyReused : ReserveOutcome;

    public sealed record ShortStock(Guid AlbumId) : ReserveOutcome;

    public sealed record UnknownAlbum(Guid AlbumId) : ReserveOutcome;
}

public enum ReleaseOutcome
{
    Released,
    AlreadyReleased,
    NotFound,
}

/// <summary>
/// Reservations the plain database way: one transaction per request, each stock row locked by a conditional UPDATE
/// from that statement until the commit, which is where a hot album serializes.
/// </summary>
public sealed class ReservationStore(NpgsqlDataSource database, TimeProvider clock)
{
    public async Task<ReserveOutcome> ReserveAsync(string idempotencyKey, ReservationOrder order, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var answer = new ReservationAnswer(Guid.CreateVersion7(), ExpiryFrom(clock.GetUtcNow(), order.TtlSeconds), order.Lines);
        if (!await TryClaimKeyAsync(connection, idempotencyKey, order, answer, cancellationToken))
        {
            // The key's row is committed (ON CONFLICT waited for its writer), so this read sees it.
            return await StoredAnswerAsync(connection, idempotencyKey, order.Fingerprint, cancellationToken);
        }

        foreach (var line in order.Lines)
        {
            if (!await TryHoldAsync(connection, line, cancellationToken))
            {
                var known = await AlbumExistsAsync(connection, line.AlbumId, cancellationToken);
                await transaction.RollbackAsync(cancellationToken);
                return known ? new ReserveOutcome.ShortStock(line.AlbumId) : new ReserveOutcome.UnknownAlbum(line.AlbumId);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new ReserveOutcome.Created(answer);
    }

    public async Task<ReleaseOutcome> ReleaseAsync(Guid reservationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var release = new NpgsqlCommand(
            "UPDATE baseline_reservations SET released_at = now() WHERE reservation_id = $1 AND released_at IS NULL " +
            "RETURNING album_ids, quantities",
            connection)
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = reservationId } },
        };
        Guid[] albumIds;
        int[] quantities;
        await using (var reader = await release.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                await reader.CloseAsync();
                return await ReservationExistsAsync(connection, reservationId, cancellationToken)
                    ? ReleaseOutcome.AlreadyReleased
                    : ReleaseOutcome.NotFound;
            }

            albumIds = reader.GetFieldValue<Guid[]>(0);
            quantities = reader.GetFieldValue<int[]>(1);
        }

        // Stored in the order they were reserved in, so releases lock stock rows in the same order as reservations.
        for (var i = 0; i < albumIds.Length; i++)
        {
            await ReturnAsync(connection, albumIds[i], quantities[i], cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ReleaseOutcome.Released;
    }

    /// <summary>Sets an album's on-hand quantity; false when that is below what is already reserved.</summary>
    public async Task<bool> SetStockAsync(Guid albumId, int quantity, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO baseline_stock (album_id, quantity) VALUES ($1, $2) " +
            "ON CONFLICT (album_id) DO UPDATE SET quantity = excluded.quantity WHERE baseline_stock.reserved <= excluded.quantity");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = albumId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = quantity });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    // PostgreSQL keeps microseconds; whole milliseconds make a replayed answer identical to the first.
    private static DateTimeOffset ExpiryFrom(DateTimeOffset now, int ttlSeconds)
    {
        var expiry = now.AddSeconds(ttlSeconds);
        return expiry.AddTicks(-(expiry.Ticks % TimeSpan.TicksPerMillisecond));
    }

    private static async Task<bool> TryClaimKeyAsync(
        NpgsqlConnection connection, string idempotencyKey, ReservationOrder order, ReservationAnswer answer, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO baseline_reservations (idempotency_key, reservation_id, request_hash, album_ids, quantities, expires_at) " +
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
            connection)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = idempotencyKey },
                new NpgsqlParameter<Guid> { TypedValue = answer.ReservationId },
                new NpgsqlParameter<byte[]> { TypedValue = order.Fingerprint },
                new NpgsqlParameter<Guid[]> { TypedValue = [.. order.Lines.Select(line => line.AlbumId)] },
                new NpgsqlParameter<int[]> { TypedValue = [.. order.Lines.Select(line => line.Quantity)] },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = answer.ExpiresAt },
            },
        };
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<ReserveOutcome> StoredAnswerAsync(
        NpgsqlConnection connection, string idempotencyKey, byte[] fingerprint, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT reservation_id, request_hash, album_ids, quantities, expires_at FROM baseline_reservations WHERE idempotency_key = $1",
            connection)
        {
            Parameters = { new NpgsqlParameter<string> { TypedValue = idempotencyKey } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Idempotency key '{idempotencyKey}' conflicted but has no stored reservation.");
        }

        if (!reader.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(fingerprint))
        {
            return new ReserveOutcome.KeyReused();
        }

        var albumIds = reader.GetFieldValue<Guid[]>(2);
        var quantities = reader.GetFieldValue<int[]>(3);
        var lines = albumIds.Select((albumId, i) => new ReservationLine(albumId, quantities[i])).ToArray();
        return new ReserveOutcome.Replayed(new ReservationAnswer(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(4), lines));
    }

    private static async Task<bool> TryHoldAsync(NpgsqlConnection connection, ReservationLine line, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE baseline_stock SET reserved = reserved + $2 WHERE album_id = $1 AND quantity - reserved >= $2",
            connection)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = line.AlbumId },
                new NpgsqlParameter<int> { TypedValue = line.Quantity },
            },
        };
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task ReturnAsync(NpgsqlConnection connection, Guid albumId, int quantity, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("UPDATE baseline_stock SET reserved = reserved - $2 WHERE album_id = $1", connection)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = albumId },
                new NpgsqlParameter<int> { TypedValue = quantity },
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task<bool> AlbumExistsAsync(NpgsqlConnection connection, Guid albumId, CancellationToken cancellationToken) =>
        ExistsAsync(connection, "SELECT EXISTS (SELECT 1 FROM baseline_stock WHERE album_id = $1)", albumId, cancellationToken);

    private static Task<bool> ReservationExistsAsync(NpgsqlConnection connection, Guid reservationId, CancellationToken cancellationToken) =>
        ExistsAsync(connection, "SELECT EXISTS (SELECT 1 FROM baseline_reservations WHERE reservation_id = $1)", reservationId, cancellationToken);

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string sql, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection)
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = id } },
        };
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
