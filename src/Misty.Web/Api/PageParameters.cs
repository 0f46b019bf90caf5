using System.Globalization;

namespace Misty.Web.Api;

/// <summary>Page and page size of a list endpoint, taken as text so that a non-number is reported against its field.</summary>
public static class PageParameters
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    public static int Page(string? value, FieldErrors errors) => Number(value, "page", 1, int.MaxValue, errors);

    public static int PageSize(string? value, FieldErrors errors) => Number(value, "pageSize", DefaultPageSize, MaxPageSize, errors);

    private static int Number(string? value, string field, int fallback, int max, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        var valid = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= max;
        errors.Check(valid, field, max == int.MaxValue ? "A whole number of at least 1." : $"A whole number from 1 to {max}.");
        return number;
    }
}

/// <summary>The page query parameters, declared once for every list endpoint (<c>[AsParameters]</c>).</summary>
/// <param name="Page">The page, from 1 (default 1).</param>
/// <param name="PageSize">Items per page, from 1 to 100 (default 25).</param>
public readonly record struct PageQuery(string? Page, string? PageSize)
{
    public int PageOf(FieldErrors errors) => PageParameters.Page(Page, errors);

    public int PageSizeOf(FieldErrors errors) => PageParameters.PageSize(PageSize, errors);
}
