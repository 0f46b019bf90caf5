namespace Misty.Persistence;

/// <summary>
/// Group commit across grains: writes queued while a flush is in flight go together in the next flush, so one
/// database transaction (and one WAL flush) stores many grains' changes. A waiter completes only after the flush that
/// holds its write returned, and a failed flush fails every waiter in it: nothing unstored is acknowledged.
/// </summary>
/// <param name="flush">Stores a batch in one transaction and returns one result per write, in order.</param>
/// <param name="maxBatch">Writes per flush at most, so one flush stays short.</param>
/// <param name="maxFlushes">
/// Flushes in flight at once. More than one lets a write start while another flush waits for its WAL flush, which
/// the database then shares between them; writes of one grain are never concurrent, so their order still holds.
/// </param>
public sealed class CommitQueue<TWrite, TResult>(Func<IReadOnlyList<TWrite>, Task<IReadOnlyList<TResult>>> flush, int maxBatch, int maxFlushes = 1)
{
    private readonly Lock _lock = new();
    private readonly Queue<(TWrite Write, TaskCompletionSource<TResult> Waiter)> _pending = new();
    private int _flushing;

    /// <summary>Completes with the write's result once the flush that holds it is stored.</summary>
    public Task<TResult> EnqueueAsync(TWrite write)
    {
        var waiter = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_lock)
        {
            _pending.Enqueue((write, waiter));
            start = _flushing < maxFlushes;
            if (start)
            {
                _flushing++;
            }
        }

        if (start)
        {
            // Off the caller's scheduler: a grain's turn must not run the flush loop of every other grain.
            _ = Task.Run(FlushLoopAsync);
        }

        return waiter.Task;
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            List<(TWrite Write, TaskCompletionSource<TResult> Waiter)> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _flushing--;
                    return;
                }

                batch = new List<(TWrite, TaskCompletionSource<TResult>)>(Math.Min(_pending.Count, maxBatch));
                while (batch.Count < maxBatch && _pending.TryDequeue(out var item))
                {
                    batch.Add(item);
                }
            }

            try
            {
                var results = await flush([.. batch.Select(item => item.Write)]);
                if (results.Count != batch.Count)
                {
                    throw new InvalidOperationException($"A flush of {batch.Count} writes returned {results.Count} results.");
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Waiter.SetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var item in batch)
                {
                    item.Waiter.TrySetException(ex);
                }
            }
        }
    }
}
