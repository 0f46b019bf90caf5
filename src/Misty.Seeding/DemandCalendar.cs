namespace Misty.Seeding;

/// <summary>
/// When records sell: a weekly rhythm (Saturday is the big day), the holiday season from Black Friday to Christmas,
/// Record Store Day in April, a summer dip, steady growth, and a channel mix that shifts with all of these.
/// </summary>
internal static class DemandCalendar
{
    private const double YearlyGrowth = 1.12;

    // Monday first, as DayOfWeek is not: see Weekday().
    private static readonly double[] WeekdayWeights = [0.75, 0.8, 0.85, 0.95, 1.15, 1.45, 1.05];

    // Online orders peak in the evening; hardly anyone shops at 4 a.m.
    private static readonly IReadOnlyList<(int Hour, double Weight)> OnlineHours =
        new[] { 1.2, 0.7, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3.2, 3.5, 4.0, 3.8, 3.6, 3.6, 3.8, 4.2, 4.8, 5.5, 6.0, 5.6, 4.2, 2.4 }
            .Select((weight, hour) => (hour, weight))
            .ToList();

    /// <summary>Spreads the orders over the days in proportion to demand, exactly (largest remainder), so the total is as asked.</summary>
    public static int[] OrdersPerDay(int orders, DateOnly firstDay, int days)
    {
        var weights = Enumerable.Range(0, days).Select(offset => DayWeight(firstDay.AddDays(offset), firstDay)).ToArray();
        var total = weights.Sum();
        var exact = weights.Select(weight => orders * weight / total).ToArray();
        var counts = exact.Select(share => (int)Math.Floor(share)).ToArray();
        var missing = orders - counts.Sum();
        foreach (var day in Enumerable.Range(0, days).OrderByDescending(day => exact[day] - counts[day]).ThenBy(day => day).Take(missing))
        {
            counts[day]++;
        }

        return counts;
    }

    public static double DayWeight(DateOnly day, DateOnly firstDay)
    {
        var growth = Math.Pow(YearlyGrowth, (day.DayNumber - firstDay.DayNumber) / 365.0);
        return WeekdayWeights[Weekday(day)] * Season(day) * growth;
    }

    /// <summary>Black Friday weekend, Cyber Monday and Record Store Day, when the store runs promotions.</summary>
    public static bool IsPromotion(DateOnly day)
    {
        var blackFriday = BlackFriday(day.Year);
        return (day >= blackFriday && day <= blackFriday.AddDays(3)) || day == RecordStoreDay(day.Year);
    }

    public static IReadOnlyList<(string Channel, double Weight)> ChannelMix(DateOnly day)
    {
        var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var storeClosed = day is { Month: 12, Day: 25 } or { Month: 1, Day: 1 };
        var inStore = storeClosed ? 0 : 0.33 * (weekend ? 1.5 : 1) * (day == RecordStoreDay(day.Year) ? 4 : 1);
        var online = 0.52 * (day == BlackFriday(day.Year).AddDays(3) ? 2.5 : 1);
        var phone = storeClosed ? 0 : 0.08;
        var corporate = storeClosed || weekend ? 0 : 0.07;
        return
        [
            (DbValues.ChannelInStore, inStore), (DbValues.ChannelOnline, online),
            (DbValues.ChannelPhone, phone), (DbValues.ChannelCorporate, corporate),
        ];
    }

    /// <summary>The time an order on this channel is placed: shop hours in store, office hours by phone, any time online.</summary>
    public static DateTime OrderTime(SeedRandom random, DateOnly day, string channel)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var hour = channel switch
        {
            DbValues.ChannelInStore when day.DayOfWeek == DayOfWeek.Sunday => random.Double(11, 18),
            // Two uniforms add up to a triangle: the shop is busiest mid-afternoon.
            DbValues.ChannelInStore => 10 + random.Double(0, 5) + random.Double(0, 5),
            DbValues.ChannelOnline => random.PickWeighted(OnlineHours) + random.Double(),
            DbValues.ChannelPhone => random.Double(9, 18),
            _ => random.Double(9, 17),
        };
        return midnight.AddSeconds(Math.Floor(hour * 3600));
    }

    private static double Season(DateOnly day)
    {
        var blackFriday = BlackFriday(day.Year);
        return day switch
        {
            _ when day == blackFriday => 3.2,
            _ when day > blackFriday && day <= blackFriday.AddDays(2) => 1.8,
            _ when day == blackFriday.AddDays(3) => 2.2,
            { Month: 12, Day: <= 23 } => 1.35 + (0.9 * day.Day / 23.0),
            { Month: 12, Day: 24 } => 1.3,
            { Month: 12, Day: 25 } => 0.15,
            { Month: 12 } => 1.25,
            { Month: 1, Day: 1 } => 0.35,
            { Month: 1, Day: <= 15 } => 0.85,
            { Month: 2, Day: >= 8 and <= 14 } => 1.15,
            _ when day == RecordStoreDay(day.Year) => 4.0,
            { Month: 7 or 8 } => 0.9,
            _ => 1.0,
        };
    }

    private static int Weekday(DateOnly day) => ((int)day.DayOfWeek + 6) % 7;

    /// <summary>The day after the fourth Thursday of November.</summary>
    private static DateOnly BlackFriday(int year)
    {
        var first = new DateOnly(year, 11, 1);
        var firstThursday = first.AddDays(((int)DayOfWeek.Thursday - (int)first.DayOfWeek + 7) % 7);
        return firstThursday.AddDays(22);
    }

    /// <summary>The third Saturday of April.</summary>
    private static DateOnly RecordStoreDay(int year)
    {
        var first = new DateOnly(year, 4, 1);
        return first.AddDays((((int)DayOfWeek.Saturday - (int)first.DayOfWeek + 7) % 7) + 14);
    }
}
