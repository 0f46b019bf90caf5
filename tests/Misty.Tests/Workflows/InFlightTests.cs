using Misty.Grains.Infrastructure;

namespace Misty.Tests.Workflows;

[Trait("Category", "Unit")]
public sealed class InFlightTests
{
    [Fact]
    public async Task Keeps_at_most_the_limit_outstanding_starts_the_next_when_one_ends_and_returns_results_in_order()
    {
        var (running, most) = (0, 0);
        var gates = Enumerable.Range(0, 10).Select(_ => new TaskCompletionSource()).ToArray();
        var started = new List<int>();
        var run = InFlight.RunAsync(Enumerable.Range(0, 10).ToArray(), 3, async item =>
        {
            lock (started)
            {
                started.Add(item);
                most = Math.Max(most, ++running);
            }

            await gates[item].Task;
            lock (started)
            {
                running--;
            }

            return item * item;
        }, CancellationToken.None);

        Assert.Equal([0, 1, 2], started);
        // The slowest of the first three (item 0) does not hold back the rest: item 2 ending starts item 3.
        gates[2].SetResult();
        await WaitUntil(() => started.Count == 4);
        Assert.Equal(3, started[^1]);
        foreach (var gate in gates)
        {
            gate.TrySetResult();
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * i), await run);
        Assert.Equal(3, most);
    }

    [Fact]
    public async Task An_empty_list_gives_no_results_and_a_failed_call_fails_the_run()
    {
        Assert.Empty(await InFlight.RunAsync(Array.Empty<int>(), 4, item => Task.FromResult(item), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InFlight.RunAsync([1, 2, 3], 2, item => item == 2 ? Task.FromException<int>(new InvalidOperationException()) : Task.FromResult(item), CancellationToken.None));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}
