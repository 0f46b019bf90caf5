using Npgsql;

namespace Misty.Baseline;

/// <summary>The baseline's two tables, created at start when missing.</summary>
public static class BaselineSchema
{
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS baseline_stock
        (
            album_id uuid    PRIMARY KEY,
            quantity integer NOT NULL,
            reserved integer NOT NULL DEFAULT 0,
            CONSTRAINT ck_baseline_stock_reserved CHECK (reserved >= 0 AND reserved <= quantity)
        );

        -- One row per reservation, keyed by the caller's idempotency key: the row is both the reservation and the
        -- stored answer a retry gets back. request_hash tells a retry from a different request under the same key.
        CREATE TABLE IF NOT EXISTS baseline_reservations
        (
            idempotency_key text        PRIMARY KEY,
            reservation_id  uuid        NOT NULL UNIQUE,
            request_hash    bytea       NOT NULL,
            album_ids       uuid[]      NOT NULL,
            quantities      integer[]   NOT NULL,
            expires_at      timestamptz NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            released_at     timestamptz NULL
        );
        """;

    public static async Task CreateAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(Ddl);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
