namespace Misty.Grains.Workflows.Engine;

/// <summary>How often a step is attempted, and how long it waits between attempts (doubling up to <see cref="MaxDelay"/>).</summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    /// <summary>Three attempts, 2 s and then 4 s apart: enough to ride out a database failover or a busy lock.</summary>
    public static RetryPolicy Default { get; } = new(3, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1));

    public static RetryPolicy Once { get; } = new(1, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failed attempt.</summary>
    public TimeSpan DelayAfter(int failedAttempts)
    {
        var delay = FirstDelay.Ticks * Math.Pow(2, Math.Max(0, failedAttempts - 1));
        return TimeSpan.FromTicks((long)Math.Min(delay, MaxDelay.Ticks));
    }
}
