using Npgsql;

namespace Misty.Grains.Storage.Projections;

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
        var bytes = new byte[16];
        while (await reader.ReadAsync(cancellationToken))
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), reader.GetInt64(0));
            BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), reader.GetInt64(1));
            keys.Add(new Guid(bytes));
        }

        return keys;
    }
}
