namespace Misty.Web.Security;

/// <summary>
/// Exponential delays per client address: after <see cref="FreeFailures"/> failed logins (whatever the email), each
/// further failure blocks the address for <see cref="FirstDelay"/>, then twice as long, and so on up to
/// <see cref="MaxDelay"/>. Failures are forgotten <see cref="ForgetAfter"/> after the last one, and a successful login
/// from the address forgets them at once. It slows a guesser without touching the account, so its owner, elsewhere,
/// is never kept out by it.
/// </summary>
public sealed record LoginThrottle(int FreeFailures, TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan ForgetAfter)
{
    /// <summary>Room for an owner's typos; then 1 s, 2 s, 4 s ... 15 min: about four guesses an hour at the cap.</summary>
    public static readonly LoginThrottle Default = new(8, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1));

    /// <summary>How long the address is blocked after its <paramref name="failures"/>th failure in a row.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        var beyond = failures - FreeFailures;
        if (beyond <= 0)
        {
            return TimeSpan.Zero;
        }

        // Capped before doubling so that a long attack cannot overflow the arithmetic.
        var delay = FirstDelay;
        for (var step = 1; step < beyond && delay < MaxDelay; step++)
        {
            delay += delay;
        }

        return delay < MaxDelay ? delay : MaxDelay;
    }

    /// <summary>
    /// Every delay up to the first that reaches <see cref="MaxDelay"/>: element <c>i</c> (0-based) is the delay after the
    /// (i + 1)th failure, and the last holds for every failure after it. The store applies them in one statement.
    /// </summary>
    public TimeSpan[] Delays()
    {
        var delays = new List<TimeSpan>();
        do
        {
            delays.Add(DelayAfter(delays.Count + 1));
        }
        while (delays[^1] < MaxDelay);

        return [.. delays];
    }

    /// <summary>The address's failure count and block end after one more failure at <paramref name="at"/>.</summary>
    public (int Failures, DateTimeOffset BlockedUntil) AfterFailure(int failures, DateTimeOffset? lastFailure, DateTimeOffset at)
    {
        var count = lastFailure is { } last && at - last < ForgetAfter ? failures + 1 : 1;
        return (count, at + DelayAfter(count));
    }

    /// <summary>True while the address must wait; <paramref name="retryAfter"/> says how long.</summary>
    public static bool IsBlocked(DateTimeOffset? blockedUntil, DateTimeOffset now, out TimeSpan retryAfter)
    {
        retryAfter = blockedUntil is { } until && until > now ? until - now : TimeSpan.Zero;
        return retryAfter > TimeSpan.Zero;
    }
}
