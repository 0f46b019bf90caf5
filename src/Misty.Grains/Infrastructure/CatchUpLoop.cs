using Microsoft.Extensions.Logging;

namespace Misty.Grains.Infrastructure;

/// <summary>
/// A grain's after-write work (projecting rows, delivering outbox entries), run in the background until a step reports
/// that everything stored has been carried out, retrying failures with backoff. Runs on the grain's scheduler, so the
/// step may touch grain state between awaits without locks.
/// </summary>
public sealed class CatchUpLoop(Func<Task> step, Func<bool> caughtUp, ILogger logger, string subject)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);
    // Rows may lag a little: a burst of writes is then carried out by one step.
    private static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(20);

    private bool _running;

    /// <summary>Raised (on the grain's scheduler) each time the loop has caught up.</summary>
    public event Func<Task>? CaughtUp;

    /// <summary>Starts the loop unless it is running; a running loop sees the new work before it stops.</summary>
    public void Kick()
    {
        if (!_running)
        {
            _ = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        _running = true;
        try
        {
            var delay = FirstRetry;
            while (!caughtUp())
            {
                await Task.Delay(Coalescing);
                try
                {
                    await step();
                    delay = FirstRetry;
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Catching up {Subject} failed; retrying in {Delay}.", subject, delay);
                    await Task.Delay(delay);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
                }
            }
        }
        finally
        {
            _running = false;
        }

        if (CaughtUp is { } handler)
        {
            try
            {
                await handler();
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "After catching up {Subject}.", subject);
            }
        }
    }
}
