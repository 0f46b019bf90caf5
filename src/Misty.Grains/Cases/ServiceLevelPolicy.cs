using Misty.Grains.Interfaces.Cases;

namespace Misty.Grains.Cases;

/// <summary>
/// One SLA clock of a case, as stored in its grain: business time used while it was running, and when it last started
/// running (null while paused, or once stopped).
/// </summary>
[GenerateSerializer, Immutable, Alias("Misty.SlaClock")]
public sealed record SlaClock(
    [property: Id(0)] SlaTarget Target,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] TimeSpan Used,
    [property: Id(3)] DateTimeOffset? RunningSince,
    [property: Id(4)] DateTimeOffset? StoppedAt,
    [property: Id(5)] bool Warned,
    [property: Id(6)] SlaOutcome? Outcome)
{
    public bool IsRunning => RunningSince is not null;

    /// <summary>Still to be decided: neither hit nor missed yet.</summary>
    public bool IsOpen => Outcome is null && StoppedAt is null;
}

/// <param name="FirstResponse">Business time allowed until the first staff reply.</param>
/// <param name="Resolution">Business time allowed until the case is resolved, not counting time waiting on the customer.</param>
public sealed record SlaTargets(TimeSpan FirstResponse, TimeSpan Resolution)
{
    public TimeSpan For(SlaTarget target) => target == SlaTarget.FirstResponse ? FirstResponse : Resolution;
}

/// <summary>What a look at a clock found.</summary>
public enum SlaCheck
{
    None,
    /// <summary>The clock crossed the warning share of its target.</summary>
    Warning,
    /// <summary>The clock ran out: the target is missed.</summary>
    Breach,
}

/// <summary>The SLA rules: targets per priority, counted in business hours, with a warning before each breach.</summary>
public sealed class ServiceLevelPolicy(BusinessCalendar calendar, IReadOnlyDictionary<CasePriority, SlaTargets> targets, double warningShare)
{
    public BusinessCalendar Calendar => calendar;

    public TimeSpan Allowed(SlaTarget target, CasePriority priority) => targets[priority].For(target);

    public static SlaClock Start(SlaTarget target, DateTimeOffset now) => new(target, now, TimeSpan.Zero, now, null, false, null);

    public TimeSpan Used(SlaClock clock, DateTimeOffset now) =>
        clock.Used + (clock.RunningSince is { } since ? calendar.WorkingTime(since, now) : TimeSpan.Zero);

    public SlaClock Pause(SlaClock clock, DateTimeOffset now) =>
        clock.IsRunning ? clock with { Used = Used(clock, now), RunningSince = null } : clock;

    public static SlaClock Resume(SlaClock clock, DateTimeOffset now) =>
        clock.IsRunning || clock.StoppedAt is not null ? clock : clock with { RunningSince = now };

    /// <summary>Stops the clock; its outcome is hit when it stopped before its due time, unless a breach was already found.</summary>
    public SlaClock Stop(SlaClock clock, CasePriority priority, DateTimeOffset now)
    {
        if (clock.StoppedAt is not null)
        {
            return clock;
        }

        var used = Used(clock, now);
        return clock with
        {
            Used = used,
            RunningSince = null,
            StoppedAt = now,
            Outcome = clock.Outcome ?? (used < Allowed(clock.Target, priority) ? SlaOutcome.Hit : SlaOutcome.Missed),
        };
    }

    /// <summary>When the target is missed if the clock keeps running; null while paused or once decided.</summary>
    public DateTimeOffset? DueAt(SlaClock clock, CasePriority priority) =>
        clock.RunningSince is { } since && clock.Outcome is null ? calendar.Add(since, Remaining(clock, Allowed(clock.Target, priority))) : null;

    /// <summary>When the warning is due; null when it was given, or the clock is paused or decided.</summary>
    public DateTimeOffset? WarnAt(SlaClock clock, CasePriority priority) =>
        clock.RunningSince is { } since && clock.Outcome is null && !clock.Warned
            ? calendar.Add(since, Remaining(clock, Allowed(clock.Target, priority) * warningShare))
            : null;

    /// <summary>Finds a breach or a due warning; a breach decides the clock as missed (it keeps running until stopped).</summary>
    public (SlaClock Clock, SlaCheck Found) Check(SlaClock clock, CasePriority priority, DateTimeOffset now)
    {
        if (!clock.IsRunning || clock.Outcome is not null)
        {
            return (clock, SlaCheck.None);
        }

        var used = Used(clock, now);
        var allowed = Allowed(clock.Target, priority);
        // At the due instant the target is used up, so a clock due at closing time is found late after closing too.
        if (used >= allowed)
        {
            return (clock with { Warned = true, Outcome = SlaOutcome.Missed }, SlaCheck.Breach);
        }

        return !clock.Warned && used >= allowed * warningShare ? (clock with { Warned = true }, SlaCheck.Warning) : (clock, SlaCheck.None);
    }

    /// <summary>The next instant at which <see cref="Check"/> may find something.</summary>
    public DateTimeOffset? NextCheckpoint(SlaClock clock, CasePriority priority) =>
        WarnAt(clock, priority) ?? DueAt(clock, priority);

    private static TimeSpan Remaining(SlaClock clock, TimeSpan allowed) => allowed > clock.Used ? allowed - clock.Used : TimeSpan.Zero;
}
