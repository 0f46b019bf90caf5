using Npgsql;

namespace Misty.Grains.Projections;

/// <summary>Finds which grains have stored state, by reading Orleans' own storage table.</summary>
public sealed class StoredGrainKeys(NpgsqlDataSource database)
{
    /// <summary>
    /// The Guid keys of the grains that stored state under <paramref name="stateName"/>. Orleans keeps a Guid key as
    /// the two 8-byte halves of <see cref="Guid.ToByteArray()"/>, in grainidn0 and grainidn1.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> GuidKeysAsync(string serviceId, string stateName, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT grainidn0, grainidn1 FROM orleansstorage WHERE serviceid = @service AND graintypestring = @state AND payloadbinary IS NOT NULL");
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("state", stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(GuidKey(reader.GetInt64(0), reader.GetInt64(1)));
        }

        return keys;
    }

    /// <summary>The Guid key of an orleansstorage row from its grainidn0 and grainidn1.</summary>
    public static Guid GuidKey(long n0, long n1)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes[..8], n0);
        BitConverter.TryWriteBytes(bytes[8..], n1);
        return new Guid(bytes);
    }
}
