using Misty.Grains.Workflows.Triggers;

namespace Misty.Tests.Workflows;

[Trait("Category", "Unit")]
public sealed class CronScheduleTests
{
    [Fact]
    public void A_daily_schedule_in_utc_fires_at_the_next_matching_minute()
    {
        var schedule = CronSchedule.TryParse("15 0 * * *", null, out _, out _)!;

        Assert.Equal(new DateTimeOffset(2026, 1, 16, 0, 15, 0, TimeSpan.Zero), schedule.NextAfter(new DateTimeOffset(2026, 1, 15, 0, 15, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 0, 15, 0, TimeSpan.Zero), schedule.NextAfter(new DateTimeOffset(2026, 1, 15, 0, 14, 59, TimeSpan.Zero)));
    }

    [Fact]
    public void A_schedule_is_read_in_its_time_zone_through_daylight_saving_changes()
    {
        var schedule = CronSchedule.TryParse("0 2 * * *", "Europe/London", out _, out _)!;

        // London is on GMT in January and on BST (UTC+1) in July.
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 2, 0, 0, TimeSpan.Zero), schedule.NextAfter(new DateTimeOffset(2026, 1, 15, 1, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 1, 0, 0, TimeSpan.Zero), schedule.NextAfter(new DateTimeOffset(2026, 7, 15, 0, 0, 0, TimeSpan.Zero)));
        // 29 March 2026: clocks jump from 01:00 to 02:00 GMT, so 02:00 local exists and is 01:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), schedule.NextAfter(new DateTimeOffset(2026, 3, 28, 3, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("", "Required")]
    [InlineData("every day", "Not a five-field cron expression")]
    [InlineData("0 2 * *", "Not a five-field cron expression")]
    [InlineData("61 * * * *", "Not a five-field cron expression")]
    public void A_bad_expression_is_refused_with_the_reason(string cron, string reason)
    {
        Assert.Null(CronSchedule.TryParse(cron, null, out var cronError, out var zoneError));
        Assert.StartsWith(reason, cronError);
        Assert.Null(zoneError);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused()
    {
        Assert.Null(CronSchedule.TryParse("0 2 * * *", "Mars/Olympus_Mons", out var cronError, out var zoneError));
        Assert.Null(cronError);
        Assert.Contains("IANA", zoneError);
    }
}
