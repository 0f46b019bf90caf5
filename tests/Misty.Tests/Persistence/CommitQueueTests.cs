using Misty.Persistence;

namespace Misty.Tests.Persistence;

[Trait("Category", "Unit")]
public sealed class CommitQueueTests
{
    [Fact]
    public async Task Writes_queued_during_a_flush_share_the_next_one_and_none_is_answered_before_its_flush_returns()
    {
        var flushes = new List<IReadOnlyList<int>>();
        var release = new TaskCompletionSource();
        var queue = new CommitQueue<int, string>(async writes =>
        {
            flushes.Add(writes);
            await release.Task;
            return [.. writes.Select(write => $"stored {write}")];
        }, maxBatch: 3);

        var first = queue.EnqueueAsync(1);
        await WaitUntilAsync(() => flushes.Count == 1);
        var waiting = Enumerable.Range(2, 4).Select(queue.EnqueueAsync).ToList();
        await Task.Delay(50);
        Assert.False(first.IsCompleted);
        Assert.All(waiting, write => Assert.False(write.IsCompleted));

        release.SetResult();
        var answers = await Task.WhenAll([first, .. waiting]);
        Assert.Equal(["stored 1", "stored 2", "stored 3", "stored 4", "stored 5"], answers);
        // The first flush held only the write that started it; the rest went in batches of at most three.
        Assert.Equal([[1], [2, 3, 4], [5]], flushes.Select(flush => flush.ToArray()));
    }

    [Fact]
    public async Task A_failed_flush_fails_its_waiter_and_later_writes_are_stored()
    {
        var release = new TaskCompletionSource();
        var failNext = true;
        var started = 0;
        var queue = new CommitQueue<int, int>(async writes =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
            if (failNext)
            {
                failNext = false;
                throw new InvalidOperationException("the database went away");
            }

            return [.. writes];
        }, maxBatch: 10);

        var blocker = queue.EnqueueAsync(0);
        await WaitUntilAsync(() => started == 1);
        release.SetResult();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => blocker);
        Assert.Equal("the database went away", error.Message);

        var later = await Task.WhenAll(queue.EnqueueAsync(7), queue.EnqueueAsync(8));
        Assert.Equal([7, 8], later);
    }

    [Fact]
    public async Task Every_waiter_of_a_failed_batch_fails()
    {
        var release = new TaskCompletionSource();
        var flushes = 0;
        var queue = new CommitQueue<int, int>(async writes =>
        {
            if (Interlocked.Increment(ref flushes) == 1)
            {
                await release.Task;
                return [.. writes];
            }

            throw new TimeoutException("commit timed out");
        }, maxBatch: 10);

        var first = queue.EnqueueAsync(1);
        await WaitUntilAsync(() => flushes == 1);
        var batch = Enumerable.Range(2, 5).Select(queue.EnqueueAsync).ToList();
        release.SetResult();

        Assert.Equal(1, await first);
        foreach (var write in batch)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => write);
        }

        Assert.Equal(2, flushes);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(5);
        }
    }
}
