namespace Misty.Web.Api;

/// <summary>Caller text inside a LIKE pattern: % and _ become literal (backslash is LIKE's default escape character).</summary>
public static class SqlLike
{
    public static string Escape(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);

    /// <summary>A pattern matching <paramref name="text"/> anywhere.</summary>
    public static string Contains(string text) => $"%{Escape(text)}%";
}
