namespace Misty.Seeding;

internal static class SeedTime
{
    /// <summary>Drops sub-second ticks, so every generated time reads cleanly and survives PostgreSQL's microseconds unchanged.</summary>
    public static DateTime WholeSeconds(DateTime time) =>
        new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
