using Cronos;

namespace Misty.Grains.Workflows.Triggers;

/// <summary>A five-field cron expression read in a time zone (Cronos handles daylight-saving gaps and repeats).</summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        _zone = zone;
    }

    /// <summary>Parses <paramref name="cron"/> in <paramref name="timeZone"/> (an IANA id; UTC when null).</summary>
    /// <returns>The schedule, or null with the reason in <paramref name="cronError"/> or <paramref name="zoneError"/>.</returns>
    public static CronSchedule? TryParse(string? cron, string? timeZone, out string? cronError, out string? zoneError)
    {
        cronError = null;
        zoneError = null;
        CronExpression? expression = null;
        if (string.IsNullOrWhiteSpace(cron))
        {
            cronError = "Required for a schedule: a cron expression such as \"0 2 * * *\".";
        }
        else
        {
            try
            {
                expression = CronExpression.Parse(cron.Trim(), CronFormat.Standard);
            }
            catch (CronFormatException ex)
            {
                cronError = $"Not a five-field cron expression (minute hour day-of-month month day-of-week): {ex.Message}";
            }
        }

        var zone = TimeZoneInfo.Utc;
        if (timeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out zone))
        {
            zoneError = "Not a known IANA time zone id, such as \"Europe/London\".";
        }

        return expression is not null && zone is not null && zoneError is null ? new CronSchedule(expression, zone) : null;
    }

    /// <summary>The first occurrence strictly after <paramref name="instant"/>, or null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => _expression.GetNextOccurrence(instant, _zone);
}
