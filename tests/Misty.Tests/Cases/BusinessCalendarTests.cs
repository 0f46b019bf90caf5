using FsCheck.Xunit;
using Misty.Grains.Cases;

namespace Misty.Tests.Cases;

[Trait("Category", "Unit")]
public sealed class BusinessCalendarTests
{
    private static readonly BusinessCalendar Weekdays = new(
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
        TimeSpan.FromHours(9), TimeSpan.FromHours(17), TimeZoneInfo.Utc);

    // Friday 6 March 2026.
    private static readonly DateTimeOffset FridayAfternoon = new(2026, 3, 6, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Work_left_on_friday_evening_continues_on_monday_morning()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero), Weekdays.Add(FridayAfternoon, TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromHours(2), Weekdays.WorkingTime(FridayAfternoon, new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Time_before_opening_and_over_the_weekend_does_not_count()
    {
        var saturday = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, Weekdays.WorkingTime(saturday, saturday.AddHours(30)));
        var mondayDawn = new DateTimeOffset(2026, 3, 9, 6, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero), Weekdays.Add(mondayDawn, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Opening_hours_are_local_to_the_configured_time_zone()
    {
        var london = new BusinessCalendar([DayOfWeek.Monday], TimeSpan.FromHours(9), TimeSpan.FromHours(17), TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        // Summer time: 09:00 in London is 08:00 UTC.
        var due = london.Add(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Fact]
    public void Around_the_clock_counts_every_minute()
    {
        Assert.Equal(FridayAfternoon.AddHours(50), BusinessCalendar.AlwaysOpen.Add(FridayAfternoon, TimeSpan.FromHours(50)));
        Assert.Equal(TimeSpan.FromHours(50), BusinessCalendar.AlwaysOpen.WorkingTime(FridayAfternoon, FridayAfternoon.AddHours(50)));
    }

    [Fact]
    public void A_calendar_without_business_days_or_with_closing_before_opening_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new BusinessCalendar([], TimeSpan.FromHours(9), TimeSpan.FromHours(17), TimeZoneInfo.Utc));
        Assert.Throws<ArgumentException>(() => new BusinessCalendar([DayOfWeek.Monday], TimeSpan.FromHours(17), TimeSpan.FromHours(9), TimeZoneInfo.Utc));
    }

    [Property(MaxTest = 300)]
    public bool Adding_working_time_then_measuring_it_gives_it_back(uint start, ushort workMinutes)
    {
        var from = FridayAfternoon.AddMinutes(start % (60 * 24 * 365));
        var work = TimeSpan.FromMinutes(workMinutes % (60 * 200));
        var due = Weekdays.Add(from, work);
        // Exactly the work, and no earlier minute would have done.
        return due >= from && Weekdays.WorkingTime(from, due) == work && (work == TimeSpan.Zero || Weekdays.WorkingTime(from, due.AddMinutes(-1)) < work);
    }
}
