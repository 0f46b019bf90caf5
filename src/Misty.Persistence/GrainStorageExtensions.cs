using Orleans.Storage;

namespace Misty.Persistence;

public static class GrainStorageExtensions
{
    /// <summary>
    /// Writes a grain's state and new rows of other states, so that no row is stored unless the state is: in one
    /// transaction with <see cref="BatchedGrainStorage"/>, and with other storage the
    /// state first and then each row.
    /// </summary>
    /// <returns>For each new row, whether it was inserted (false: its key already had a record).</returns>
    public static async Task<IReadOnlyList<bool>> WriteStateWithNewRowsAsync<T>(
        this IGrainStorage storage, string stateName, GrainId grainId, IGrainState<T> grainState, IReadOnlyList<NewRow> rows)
    {
        if (storage is BatchedGrainStorage batched)
        {
            return await batched.WriteStateWithNewRowsAsync(stateName, grainId, grainState, rows);
        }

        await storage.WriteStateAsync(stateName, grainId, grainState);
        var inserted = new List<bool>(rows.Count);
        foreach (var row in rows)
        {
            inserted.Add(await row.InsertAsync(storage));
        }

        return inserted;
    }
}
