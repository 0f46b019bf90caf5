using System.Globalization;
using Microsoft.Extensions.Options;
using Misty.Grains.Interfaces.Cases;

namespace Misty.Grains.Cases;

/// <summary>
/// Customer-service settings, from the <c>Misty:Cases</c> configuration section (environment: <c>Misty__Cases__...</c>),
/// e.g. <c>Misty:Cases:Sla:High:FirstResponse = 02:00:00</c>. Targets are business time.
/// </summary>
public sealed class CaseOptions
{
    public const string Section = "Misty:Cases";

    public SlaSettings Sla { get; set; } = new();

    public BusinessHoursSettings BusinessHours { get; set; } = new();

    /// <summary>The share of a target after which a warning is given, e.g. 0.75.</summary>
    public double WarningAt { get; set; } = 0.75;

    /// <summary>
    /// The longest a running SLA clock goes unchecked. The reminder is set for the next warning or due time, but no later
    /// than this, and repeats at this period (at least Orleans' minimum reminder period, one minute by default).
    /// </summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Open cases a staff member may hold before automatic assignment passes them by; users.case_capacity overrides it per person.</summary>
    public int DefaultCapacity { get; set; } = 20;

    /// <summary>The validated settings as the SLA rules; call only on options that passed <see cref="CaseOptionsValidator"/>.</summary>
    public ServiceLevelPolicy ToPolicy() => new(
        new BusinessCalendar(BusinessHours.ParseDays()!, BusinessHours.Start, BusinessHours.End, BusinessHours.ParseTimeZone()!),
        new Dictionary<CasePriority, SlaTargets>
        {
            [CasePriority.Critical] = Sla.Critical.ToTargets(),
            [CasePriority.High] = Sla.High.ToTargets(),
            [CasePriority.Medium] = Sla.Medium.ToTargets(),
            [CasePriority.Low] = Sla.Low.ToTargets(),
        },
        WarningAt);
}

public sealed class SlaSettings
{
    public SlaTargetSettings Critical { get; set; } = new() { FirstResponse = TimeSpan.FromHours(1), Resolution = TimeSpan.FromHours(4) };
    public SlaTargetSettings High { get; set; } = new() { FirstResponse = TimeSpan.FromHours(2), Resolution = TimeSpan.FromHours(16) };
    public SlaTargetSettings Medium { get; set; } = new() { FirstResponse = TimeSpan.FromHours(8), Resolution = TimeSpan.FromHours(40) };
    public SlaTargetSettings Low { get; set; } = new() { FirstResponse = TimeSpan.FromHours(16), Resolution = TimeSpan.FromHours(80) };
}

public sealed class SlaTargetSettings
{
    public TimeSpan FirstResponse { get; set; }
    public TimeSpan Resolution { get; set; }

    public SlaTargets ToTargets() => new(FirstResponse, Resolution);
}

public sealed class BusinessHoursSettings
{
    /// <summary>Comma-separated day names, e.g. "Monday,Tuesday,Wednesday,Thursday,Friday".</summary>
    public string Days { get; set; } = "Monday,Tuesday,Wednesday,Thursday,Friday";

    public TimeSpan Start { get; set; } = TimeSpan.FromHours(9);

    /// <summary>Closing time; 00:00 means midnight at the end of the day (with Start 00:00: around the clock).</summary>
    public TimeSpan End { get; set; } = TimeSpan.FromHours(17);

    /// <summary>An IANA (or Windows) time zone id.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <returns>The days, or null when one is not a day name.</returns>
    public IReadOnlyList<DayOfWeek>? ParseDays()
    {
        var days = new List<DayOfWeek>();
        foreach (var name in Days.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<DayOfWeek>(name, ignoreCase: true, out var day) || !Enum.IsDefined(day) || int.TryParse(name, CultureInfo.InvariantCulture, out _))
            {
                return null;
            }

            days.Add(day);
        }

        return days;
    }

    public TimeZoneInfo? ParseTimeZone() => System.TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : null;
}

/// <summary>Checks the settings at start, naming each bad one, so a typo stops the process instead of skewing every SLA.</summary>
public sealed class CaseOptionsValidator : IValidateOptions<CaseOptions>
{
    public ValidateOptionsResult Validate(string? name, CaseOptions options)
    {
        var failures = new List<string>();
        foreach (var (priority, targets) in new[]
        {
            ("Critical", options.Sla.Critical), ("High", options.Sla.High), ("Medium", options.Sla.Medium), ("Low", options.Sla.Low),
        })
        {
            CheckTarget(failures, $"Sla:{priority}:FirstResponse", targets.FirstResponse);
            CheckTarget(failures, $"Sla:{priority}:Resolution", targets.Resolution);
        }

        var hours = options.BusinessHours;
        var days = hours.ParseDays();
        Fail(failures, days is { Count: > 0 }, "BusinessHours:Days", $"'{hours.Days}' must list day names, e.g. Monday,Tuesday,Wednesday,Thursday,Friday.");
        Fail(failures, hours.Start >= TimeSpan.Zero && hours.Start < TimeSpan.FromDays(1), "BusinessHours:Start", "must be a time of day, e.g. 09:00.");
        Fail(failures, hours.End >= TimeSpan.Zero && hours.End < TimeSpan.FromDays(1) && (hours.End == TimeSpan.Zero || hours.End > hours.Start),
            "BusinessHours:End", "must be a time of day after Start (00:00 for midnight).");
        Fail(failures, hours.ParseTimeZone() is not null, "BusinessHours:TimeZone", $"'{hours.TimeZone}' is not a known time zone.");
        Fail(failures, options.WarningAt is > 0 and < 1, "WarningAt", "must be a share of the target between 0 and 1, e.g. 0.75.");
        Fail(failures, options.CheckInterval > TimeSpan.Zero, "CheckInterval", "must be positive.");
        Fail(failures, options.DefaultCapacity > 0, "DefaultCapacity", "must be at least 1.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckTarget(List<string> failures, string key, TimeSpan target) =>
        Fail(failures, target > TimeSpan.Zero && target <= TimeSpan.FromDays(365), key, "must be a positive duration of at most a year, e.g. 04:00:00.");

    private static void Fail(List<string> failures, bool valid, string key, string message)
    {
        if (!valid)
        {
            failures.Add($"{CaseOptions.Section}:{key} {message}");
        }
    }
}
