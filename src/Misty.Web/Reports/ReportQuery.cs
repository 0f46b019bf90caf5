using System.Globalization;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Orders;
using Misty.Web.Api;

namespace Misty.Web.Reports;

public enum ReportGrouping
{
    Day,
    Week,
    Month,
}

/// <summary>
/// The period a report covers (days in UTC, the store's time zone; <see cref="To"/> inclusive) and the equally long
/// period just before it, which every report shows beside it.
/// </summary>
public sealed record ReportQuery(DateOnly From, DateOnly To, ReportGrouping GroupBy, SalesChannel? Channel, string? Genre)
{
    public const int MaxDays = 3 * 366;
    private const int MaxGenreLength = 100;
    private const int DefaultDays = 30;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public DateOnly PreviousFrom => From.AddDays(-Days);

    public DateOnly PreviousTo => From.AddDays(-1);

    public string GroupName => GroupBy.ToString().ToLowerInvariant();

    /// <summary>Reads the query string; a missing period is the last 30 days up to <paramref name="today"/>.</summary>
    public static ReportQuery? Parse(string? from, string? to, string? groupBy, string? channel, string? genre, DateOnly today, FieldErrors errors)
    {
        var end = Day(to, "to", today, errors);
        var start = Day(from, "from", end.AddDays(-(DefaultDays - 1)), errors);
        errors.Check(start <= end, "from", "On or before 'to'.");
        errors.Check(end.DayNumber - start.DayNumber < MaxDays, "from", $"A period of at most {MaxDays} days.");

        var grouping = ReportGrouping.Day;
        errors.Check(string.IsNullOrEmpty(groupBy) || Enum.TryParse(groupBy, ignoreCase: true, out grouping) && !int.TryParse(groupBy, out _),
            "groupBy", "One of day, week, month.");

        SalesChannel? salesChannel = null;
        if (!string.IsNullOrEmpty(channel))
        {
            errors.Check(SchemaNames.TryParse<SalesChannel>(channel, out var parsed), "channel", $"One of {string.Join(", ", SchemaNames.All<SalesChannel>())}.");
            salesChannel = parsed;
        }

        var genreName = string.IsNullOrWhiteSpace(genre) ? null : genre.Trim();
        errors.Check(genreName is null || genreName.Length <= MaxGenreLength, "genre", $"At most {MaxGenreLength} characters.");
        return errors.IsEmpty ? new ReportQuery(start, end, grouping, salesChannel, genreName) : null;
    }

    private static DateOnly Day(string? value, string field, DateOnly fallback, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        var valid = DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day);
        errors.Check(valid, field, "A date as yyyy-MM-dd.");
        return valid ? day : fallback;
    }
}
