namespace Misty.Web.Reports;

/// <summary>
/// Which days of a report are read from the order rows rather than the daily roll-up: every day before today that the
/// roll-up has reached comes from it; the rest (today, later days and any day the roll-up missed) from the orders, as
/// runs of consecutive days so that the order rows are read by date range.
/// </summary>
public sealed record ReportDays(IReadOnlyList<(DateOnly First, DateOnly Last)> FromOrders)
{
    public static ReportDays Split(DateOnly first, DateOnly last, DateOnly today, IReadOnlySet<DateOnly> rolledUp)
    {
        var raw = new List<(DateOnly First, DateOnly Last)>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (day < today && rolledUp.Contains(day))
            {
                continue;
            }

            if (raw.Count > 0 && raw[^1].Last == day.AddDays(-1))
            {
                raw[^1] = (raw[^1].First, day);
            }
            else
            {
                raw.Add((day, day));
            }
        }

        return new ReportDays(raw);
    }
}
