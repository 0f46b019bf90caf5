namespace Misty.Grains.Infrastructure;

/// <summary>
/// Group commit for a reentrant grain: callers that changed state while a write was in flight share the next
/// write, so one storage round trip acknowledges many changes and none is answered before it is stored.
/// Runs on the grain's single-threaded scheduler, so it needs no locks.
/// </summary>
/// <remarks>
/// After a failed write, the in-memory state holds changes that storage does not: every waiting and later caller
/// fails until the grain deactivates and reloads what was really stored.
/// </remarks>
public sealed class GroupCommit(Func<Task> write)
{
    private TaskCompletionSource? _next;
    private bool _writing;
    private Exception? _failure;

    public bool HasFailed => _failure is not null;

    /// <summary>Why the write failed, for callers that fail until the grain reloads.</summary>
    public Exception? Failure => _failure;

    /// <summary>Completes once a write that includes every change made before this call is stored.</summary>
    public Task CommitAsync()
    {
        if (_failure is not null)
        {
            return Task.FromException(new InvalidOperationException("An earlier write failed; the state is being reloaded.", _failure));
        }

        _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = _next.Task;
        if (!_writing)
        {
            _ = WriteLoopAsync();
        }

        return stored;
    }

    private async Task WriteLoopAsync()
    {
        _writing = true;
        try
        {
            while (_next is { } batch)
            {
                _next = null;
                try
                {
                    await write();
                    batch.SetResult();
                }
                catch (Exception ex)
                {
                    _failure = ex;
                    batch.SetException(ex);
                    _next?.SetException(ex);
                    _next = null;
                    return;
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }
}
