using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;
using Misty.Grains.Projections;
using Npgsql;
using Orleans.Configuration;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Finds reservations stored as held whose time is up, and forgets long-ended ones, from the reservation grains' stored
/// state (kept as JSON in orleansstorage.payloadjson, with default values left out, so a held reservation has no Status
/// field). An album-homed reservation's record keeps saying "held": its album's reminder expires the hold, and its
/// record's expiry (moved by an extension) is when it ended at the latest.
/// </summary>
public sealed class ExpiredReservations(NpgsqlDataSource database, IOptions<ClusterOptions> cluster)
{
    /// <summary>Enough for one run; the next runs take the rest.</summary>
    public const int MaxPerRun = 1_000;

    public async Task<IReadOnlyList<Guid>> FindAsync(DateTimeOffset now, CancellationToken cancellationToken)
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
        command.Parameters.AddWithValue("limit", MaxPerRun);
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
    /// <paramref name="expiredBefore"/>: released, committed or expired ones, and album-homed ones whatever they say.
    /// A reservation stored as held (not album-homed) is left to the sweep that releases it first. The emptied records
    /// of refused requests (which hold nothing and answer nothing) go once they were last written before that time.
    /// </summary>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> ForgetAsync(DateTimeOffset expiredBefore, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
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
            """);
        command.Parameters.AddWithValue("service", cluster.Value.ServiceId);
        command.Parameters.AddWithValue("state", ReservationState.StateName);
        command.Parameters.AddWithValue("held", (int)ReservationStatus.Held);
        command.Parameters.AddWithValue("expiredBefore", expiredBefore);
        command.Parameters.AddWithValue("limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
