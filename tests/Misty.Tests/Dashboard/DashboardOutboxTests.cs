using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Misty.Web.Dashboard;

namespace Misty.Tests.Dashboard;

[Trait("Category", "Unit")]
public sealed class DashboardOutboxTests
{
    private sealed record Sent(string Group, string Method, IReadOnlyList<object> Events);

    [Fact]
    public async Task A_burst_for_one_group_leaves_as_few_messages_in_order()
    {
        var sent = new ConcurrentQueue<Sent>();
        var outbox = new DashboardOutbox(Recorder(sent), NullLogger<DashboardOutbox>.Instance);
        for (var version = 1; version <= 1_000; version++)
        {
            outbox.Post(new OutgoingEvent("stock:a", "StockChanged", version));
        }

        using var stop = new CancellationTokenSource();
        var pump = outbox.RunAsync(stop.Token);
        await WaitUntilAsync(() => sent.Sum(batch => batch.Events.Count) == 1_000);
        await stop.CancelAsync();
        await pump;

        Assert.True(sent.Count <= 2, $"{sent.Count} messages for one group's burst");
        Assert.Equal(Enumerable.Range(1, 1_000).Cast<object>(), sent.SelectMany(batch => batch.Events));
        Assert.Equal(0, outbox.Dropped);
    }

    [Fact]
    public async Task A_stuck_group_does_not_hold_up_the_others_and_loses_only_its_oldest_events()
    {
        var sent = new ConcurrentQueue<Sent>();
        var release = new TaskCompletionSource();
        var recorder = Recorder(sent);
        var outbox = new DashboardOutbox(async (group, method, events, cancellationToken) =>
        {
            if (group == "slow")
            {
                await release.Task;
            }

            await recorder(group, method, events, cancellationToken);
        }, NullLogger<DashboardOutbox>.Instance);
        using var stop = new CancellationTokenSource();
        var pump = outbox.RunAsync(stop.Token);

        outbox.Post(new OutgoingEvent("slow", "StockChanged", 0));
        await Task.Delay(50);
        var backlog = DashboardOutbox.GroupBacklog + 5;
        for (var i = 1; i <= backlog; i++)
        {
            outbox.Post(new OutgoingEvent("slow", "StockChanged", i));
        }

        outbox.Post(new OutgoingEvent("fast", "LowStock", "meanwhile"));
        await WaitUntilAsync(() => sent.Any(batch => batch.Group == "fast"));
        Assert.DoesNotContain(sent, batch => batch.Group == "slow");

        release.SetResult();
        await WaitUntilAsync(() => sent.Where(batch => batch.Group == "slow").Sum(batch => batch.Events.Count) == DashboardOutbox.GroupBacklog + 1);
        await stop.CancelAsync();
        await pump;
        var slow = sent.Where(batch => batch.Group == "slow").SelectMany(batch => batch.Events).Cast<int>().ToList();
        // The first batch was already on its way; of the rest, the newest GroupBacklog are kept, still in order.
        Assert.Equal([0, .. Enumerable.Range(6, DashboardOutbox.GroupBacklog)], slow);
        Assert.Equal(5, outbox.Dropped);
    }

    [Fact]
    public void Posting_never_waits_when_the_queue_is_full()
    {
        var outbox = new DashboardOutbox((_, _, _, _) => Task.CompletedTask, NullLogger<DashboardOutbox>.Instance);
        for (var i = 0; i < DashboardOutbox.Capacity + 10; i++)
        {
            outbox.Post(new OutgoingEvent("g", "StockChanged", i));
        }

        Assert.Equal(10, outbox.Dropped);
    }

    private static Func<string, string, IReadOnlyList<object>, CancellationToken, Task> Recorder(ConcurrentQueue<Sent> sent) =>
        (group, method, events, _) =>
        {
            sent.Enqueue(new Sent(group, method, events));
            return Task.CompletedTask;
        };

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        Assert.True(await Infrastructure.TestAlbums.EventuallyAsync(() => Task.FromResult(condition()), seconds: 10));
    }
}
