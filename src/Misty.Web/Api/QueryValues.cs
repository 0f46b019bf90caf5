using System.Globalization;
using Misty.Grains.Interfaces.Cases;

namespace Misty.Web.Api;

/// <summary>
/// Optional values of the query string or of a request body, parsed so that a bad one is reported against its field
/// (never a bare 400 from binding): enum names as spelled on the wire, UUIDs, dates and times.
/// </summary>
public static class QueryValues
{
    /// <summary>A wire name of <typeparamref name="TEnum"/> (see <see cref="SchemaNames"/>), or null when blank.</summary>
    /// <param name="ignoreCase">Also takes the name in another case (where the API always did).</param>
    /// <param name="message">The error message; by default "One of" the wire names.</param>
    /// <summary>A whole number from 1 to <paramref name="max"/>, <paramref name="fallback"/> when absent.</summary>
    public static int WholeNumber(string? value, string field, int fallback, int max, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        var valid = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= max;
        errors.Check(valid, field, max == int.MaxValue ? "A whole number of at least 1." : $"A whole number from 1 to {max}.");
        return number;
    }

    public static TEnum? Enum<TEnum>(string? value, string field, FieldErrors errors, bool ignoreCase = false, string? message = null)
        where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var name = ignoreCase
            ? SchemaNames.All<TEnum>().FirstOrDefault(known => string.Equals(known, value.Trim(), StringComparison.OrdinalIgnoreCase))
            : value;
        if (SchemaNames.TryParse<TEnum>(name, out var parsed))
        {
            return parsed;
        }

        errors.Add(field, message ?? $"One of {string.Join(", ", SchemaNames.All<TEnum>())}.");
        return null;
    }

    public static Guid? Uuid(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        errors.Check(Guid.TryParse(value, out var id), field, "A UUID.");
        return id;
    }

    /// <summary>A date (yyyy-MM-dd, UTC; as an end, the whole day counts) or an ISO 8601 time.</summary>
    public static DateTimeOffset? Time(string? value, string field, bool endOfDay, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        var valid = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time);
        errors.Check(valid, field, "A date (yyyy-MM-dd) or an ISO 8601 time.");
        return valid ? time.ToUniversalTime() : null;
    }
}
