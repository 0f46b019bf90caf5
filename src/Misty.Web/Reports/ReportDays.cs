namespace Misty.Web.Reports;

/// <summary>
/// Which days of a report are read from the daily roll-up and which from the order rows: every day before today that the
/// roll-up has reached comes from it; the rest (today, later days and any day the roll-up missed) from the orders. Both
/// as runs of consecutive days, so that each is read by date range.
/// </summary>
public sealed record ReportDays(IReadOnlyList<(DateOnly First, DateOnly Last)> FromRollUp, IReadOnlyList<(DateOnly First, DateOnly Last)> FromOrders)
{
    public static ReportDays Split(DateOnly first, DateOnly last, DateOnly today, IReadOnlySet<DateOnly> rolledUp)
    {
        var fromRollUp = new List<(DateOnly First, DateOnly Last)>();
        var fromOrders = new List<(DateOnly First, DateOnly Last)>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var runs = day < today && rolledUp.Contains(day) ? fromRollUp : fromOrders;
            if (runs.Count > 0 && runs[^1].Last == day.AddDays(-1))
            {
                runs[^1] = (runs[^1].First, day);
            }
            else
            {
                runs.Add((day, day));
            }
        }

        return new ReportDays(fromRollUp, fromOrders);
    }
}
