using Orleans.Storage;

namespace Misty.Persistence;

/// <summary>A new row of a grain state, written with another grain's state (see <see cref="BatchedGrainStorage.WriteStateWithNewRowsAsync"/>).</summary>
public abstract record NewRow(string StateName, GrainId GrainId)
{
    /// <summary>Replaces the key's row if it has one (a row only its writer changes), instead of leaving it as it is.</summary>
    public bool Overwrite { get; init; }

    public abstract byte[] Serialize(IGrainStorageSerializer serializer);

    /// <summary>Inserts the row on its own, for storage that cannot write it with another state; false when the key has a record.</summary>
    public abstract Task<bool> InsertAsync(IGrainStorage storage);
}

public sealed record NewRow<T>(string StateName, GrainId GrainId, T State) : NewRow(StateName, GrainId)
{
    public override byte[] Serialize(IGrainStorageSerializer serializer) => serializer.Serialize(State).ToArray();

    public override async Task<bool> InsertAsync(IGrainStorage storage)
    {
        var row = new GrainState<T>(State);
        if (Overwrite)
        {
            var current = new GrainState<T>();
            await storage.ReadStateAsync(StateName, GrainId, current);
            row.ETag = current.ETag;
        }

        try
        {
            await storage.WriteStateAsync(StateName, GrainId, row);
            return true;
        }
        catch (InconsistentStateException)
        {
            return false;
        }
    }
}
