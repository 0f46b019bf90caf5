namespace Misty.Web.Reports;

/// <summary>
/// Which days of a report come from the daily roll-up and which from the order rows: every day before today that the
/// roll-up has reached is read from it, the rest (today, later days and any day the roll-up missed) from the orders,
/// as runs of consecutive days so that the order rows are read by date range.
/// </summary>
public sealed record ReportDays(IReadOnlyList<DateOnly> RolledUp, IReadOnlyList<(DateOnly First, DateOnly Last)> FromOrders)
{
    public static ReportDays Split(DateOnly first, DateOnly last, DateOnly today, IReadOnlySet<DateOnly> rolledUp)
    {
        var rolled = new List<DateOnly>();
        var raw = new List<(DateOnly First, DateOnly Last)>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (day < today && rolledUp.Contains(day))
            {
                rolled.Add(day);
            }
            else if (raw.Count > 0 && raw[^1].Last == day.AddDays(-1))
            {
                raw[^1] = (raw[^1].First, day);
            }
            else
            {
                raw.Add((day, day));
            }
        }

        return new ReportDays(rolled, raw);
    }
}
