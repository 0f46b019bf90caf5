namespace Misty.Grains.Cases;

/// <summary>
/// Business hours: the same opening hours on each business day, in one time zone. SLA clocks count only the time
/// inside them, so a case opened on Friday evening is not late on Saturday.
/// </summary>
public sealed class BusinessCalendar
{
    // A calendar with at least one business day reaches any amount of working time within a few years.
    private const int MaxDaysSearched = 366 * 20;

    private readonly bool[] _businessDays = new bool[7];
    private readonly TimeSpan _opens;
    private readonly TimeSpan _closes;
    private readonly TimeZoneInfo _zone;

    /// <param name="closes">The closing time; <see cref="TimeSpan.Zero"/> means midnight at the end of the day.</param>
    public BusinessCalendar(IEnumerable<DayOfWeek> days, TimeSpan opens, TimeSpan closes, TimeZoneInfo zone)
    {
        foreach (var day in days)
        {
            _businessDays[(int)day] = true;
        }

        _opens = opens;
        _closes = closes == TimeSpan.Zero ? TimeSpan.FromDays(1) : closes;
        _zone = zone;
        if (!_businessDays.Contains(true) || _opens < TimeSpan.Zero || _opens >= _closes || _closes > TimeSpan.FromDays(1))
        {
            throw new ArgumentException("A business calendar needs at least one day and opening hours within the day, opening before closing.");
        }
    }

    /// <summary>Every day, around the clock, in UTC.</summary>
    public static BusinessCalendar AlwaysOpen { get; } = new(Enum.GetValues<DayOfWeek>(), TimeSpan.Zero, TimeSpan.Zero, TimeZoneInfo.Utc);

    /// <summary>The business time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan WorkingTime(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        if (to <= from)
        {
            return total;
        }

        for (var day = LocalDate(from); day <= LocalDate(to); day = day.AddDays(1))
        {
            if (Window(day) is var (opens, closes))
            {
                var start = opens > from ? opens : from;
                var end = closes < to ? closes : to;
                if (end > start)
                {
                    total += end - start;
                }
            }
        }

        return total;
    }

    /// <summary>The instant at which <paramref name="work"/> of business time has passed since <paramref name="from"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset from, TimeSpan work)
    {
        if (work <= TimeSpan.Zero)
        {
            return from;
        }

        var day = LocalDate(from);
        for (var searched = 0; searched < MaxDaysSearched; searched++, day = day.AddDays(1))
        {
            if (Window(day) is not var (opens, closes))
            {
                continue;
            }

            var start = opens > from ? opens : from;
            if (start >= closes)
            {
                continue;
            }

            if (work <= closes - start)
            {
                return start + work;
            }

            work -= closes - start;
        }

        throw new InvalidOperationException("The business calendar has no working time in reach.");
    }

    private DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);

    private (DateTimeOffset Opens, DateTimeOffset Closes)? Window(DateOnly day) =>
        _businessDays[(int)day.DayOfWeek] ? (Instant(day, _opens), Instant(day, _closes)) : null;

    /// <summary>
    /// A local wall-clock time as a UTC instant (as the database stores it); a time skipped or repeated by a clock change
    /// takes the zone's standard offset.
    /// </summary>
    private DateTimeOffset Instant(DateOnly day, TimeSpan timeOfDay)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified) + timeOfDay;
        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
