namespace Misty.Grains.Infrastructure;

public static class InFlight
{
    /// <summary>
    /// Calls <paramref name="call"/> for every item with at most <paramref name="limit"/> calls outstanding, starting the
    /// next as soon as one ends (no wait for the slowest of a page). Returns the results in the items' order.
    /// </summary>
    /// <remarks>Starts calls from the caller's context, so a grain's turn-based scheduling is kept.</remarks>
    public static async Task<TResult[]> RunAsync<TItem, TResult>(IReadOnlyList<TItem> items, int limit, Func<TItem, Task<TResult>> call,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var results = new TResult[items.Count];
        var running = new Dictionary<Task<TResult>, int>(limit);
        var next = 0;
        while (next < items.Count || running.Count > 0)
        {
            while (next < items.Count && running.Count < limit)
            {
                cancellationToken.ThrowIfCancellationRequested();
                running.Add(call(items[next]), next);
                next++;
            }

            var done = await Task.WhenAny(running.Keys);
            results[running[done]] = await done;
            running.Remove(done);
        }

        return results;
    }
}
