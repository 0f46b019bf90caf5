using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Inventory;
using Misty.Grains.Projections;
using Misty.Persistence;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Misty.Grains.Reservations;

/// <summary>
/// The reservation records (<see cref="ReservationState"/>, one <c>orleansstorage</c> row per reservation id): the only
/// code that makes, reads, finds or deletes them besides the <see cref="ReservationGrain"/> that keeps one. An album
/// stores the record of a single-album reservation in its own write, with the row made here; expiry and retention ask
/// here which records ended. The finding and forgetting read the grains' stored JSON (default values left out, so a
/// held reservation has no Status field).
/// </summary>
public sealed class ReservationRecords(NpgsqlDataSource database, IOptions<ClusterOptions> cluster)
{
    /// <summary>Enough for one run of the expiry sweep; the next runs take the rest.</summary>
    public const int MaxExpiredPerRun = 1_000;

    /// <summary>
    /// The record of a single-album reservation held on its album until <paramref name="expiresAt"/>, as a row its album
    /// inserts with the write that stores the hold (insert-only: a key that has a record keeps it).
    /// </summary>
    public static NewRow AlbumHomed(Guid reservationId, ReservationRequest request, DateTimeOffset createdAt, DateTimeOffset expiresAt) =>
        new NewRow<ReservationState>(ReservationState.StateName, ReservationState.RecordId(reservationId),
            ReservationState.AlbumHomedHold(request, createdAt, expiresAt));

    /// <returns>The stored record, or null when the key has none; an emptied record (a refused request) has Exists false.</returns>
    public static async Task<ReservationState?> ReadAsync(IGrainStorage storage, Guid reservationId)
    {
        var row = new GrainState<ReservationState>();
        await storage.ReadStateAsync(ReservationState.StateName, ReservationState.RecordId(reservationId), row);
        return row.RecordExists ? row.State : null;
    }

    /// <summary>
    /// Reservations stored as held whose time is up. An album-homed reservation's record keeps saying "held": its
    /// album's reminder expires the hold, so it is not among them.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> FindExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            SELECT grainidn0, grainidn1
            FROM orleansstorage
            WHERE serviceid = @service AND graintypestring = @state AND payloadjson IS NOT NULL
              AND coalesce((payloadjson ->> '{nameof(ReservationState.Status)}')::int, 0) = @held
              AND (payloadjson ->> '{nameof(ReservationState.ExpiresAt)}')::timestamptz <= @now
              AND NOT coalesce((payloadjson ->> '{nameof(ReservationState.AlbumHomed)}')::boolean, false)
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("service", cluster.Value.ServiceId);
        command.Parameters.AddWithValue("state", ReservationState.StateName);
        command.Parameters.AddWithValue("held", (int)ReservationStatus.Held);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("limit", MaxExpiredPerRun);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reservations = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            reservations.Add(StoredGrainKeys.GuidKey(reader.GetInt64(0), reader.GetInt64(1)));
        }

        return reservations;
    }

    /// <summary>
    /// Deletes the records of up to <paramref name="limit"/> reservations that ended and expired before
    /// <paramref name="expiredBefore"/>: released, committed or expired ones, and album-homed ones whatever they say
    /// (their record's expiry, moved by an extension, is when they ended at the latest). A reservation stored as held
    /// (not album-homed) is left to the sweep that releases it first. The emptied records of refused requests (which
    /// hold nothing and answer nothing) go once they were last written before that time. The album-hold row keyed like a
    /// deleted record (how its album-homed hold ended) goes with it, so a flash sale leaves no rows behind.
    /// </summary>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> ForgetAsync(DateTimeOffset expiredBefore, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            WITH forgotten AS (
                DELETE FROM orleansstorage
                WHERE id IN (
                    SELECT id
                    FROM orleansstorage
                    WHERE serviceid = @service AND graintypestring = @state AND payloadjson IS NOT NULL
                      AND CASE WHEN coalesce((payloadjson ->> '{nameof(ReservationState.Exists)}')::boolean, false)
                               THEN (payloadjson ->> '{nameof(ReservationState.ExpiresAt)}')::timestamptz < @expiredBefore
                                    AND (coalesce((payloadjson ->> '{nameof(ReservationState.AlbumHomed)}')::boolean, false)
                                         OR coalesce((payloadjson ->> '{nameof(ReservationState.Status)}')::int, 0) <> @held)
                               ELSE modifiedon < @expiredBefore
                          END
                    LIMIT @limit)
                RETURNING grainidhash, grainidn0, grainidn1),
            ended AS (
                DELETE FROM orleansstorage hold
                USING forgotten
                WHERE hold.grainidhash = forgotten.grainidhash AND hold.grainidn0 = forgotten.grainidn0
                  AND hold.grainidn1 = forgotten.grainidn1
                  AND hold.serviceid = @service AND hold.graintypestring = @hold)
            SELECT count(*)::int FROM forgotten
            """);
        command.Parameters.AddWithValue("service", cluster.Value.ServiceId);
        command.Parameters.AddWithValue("state", ReservationState.StateName);
        command.Parameters.AddWithValue("hold", AlbumHoldRow.StateName);
        command.Parameters.AddWithValue("held", (int)ReservationStatus.Held);
        command.Parameters.AddWithValue("expiredBefore", expiredBefore);
        command.Parameters.AddWithValue("limit", limit);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
