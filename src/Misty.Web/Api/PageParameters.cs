namespace Misty.Web.Api;

/// <summary>Page and page size of a list endpoint, taken as text so that a non-number is reported against its field.</summary>
public static class PageParameters
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    public static int Page(string? value, FieldErrors errors) => QueryValues.WholeNumber(value, "page", 1, int.MaxValue, errors);

    public static int PageSize(string? value, FieldErrors errors) => QueryValues.WholeNumber(value, "pageSize", DefaultPageSize, MaxPageSize, errors);
}

/// <summary>The page query parameters, declared once for every list endpoint (<c>[AsParameters]</c>).</summary>
/// <param name="Page">The page, from 1 (default 1).</param>
/// <param name="PageSize">Items per page, from 1 to 100 (default 25).</param>
public readonly record struct PageQuery(string? Page, string? PageSize)
{
    public int PageOf(FieldErrors errors) => PageParameters.Page(Page, errors);

    public int PageSizeOf(FieldErrors errors) => PageParameters.PageSize(PageSize, errors);
}
