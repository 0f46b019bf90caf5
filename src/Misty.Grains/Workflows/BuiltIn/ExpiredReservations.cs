using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;
using Misty.Grains.Storage.Projections;
using Npgsql;
using Orleans.Configuration;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Finds reservations stored as held whose time is up, from the reservation grains' stored state (Orleans keeps it as
/// JSON in orleansstorage.payloadjson, with default values left out, so a held reservation has no Status field).
/// Album-homed reservations are left out: their record keeps saying "held", and their album's reminder expires the hold.
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
        command.Parameters.AddWithValue("state", ReservationGrainStateName);
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

    /// <summary>The [PersistentState] name of <see cref="ReservationGrain"/>.</summary>
    private const string ReservationGrainStateName = "reservation";
}
