using System.Text.RegularExpressions;

namespace Misty.Web.Agents;

/// <summary>
/// Checks a tool's arguments (model output is untrusted) and keeps them as given, for the approval policy, the held
/// action and the audit. A call with any error reaches no grain.
/// </summary>
public sealed partial class ToolInput
{
    private readonly Dictionary<string, object?> _arguments = new(StringComparer.Ordinal);
    private readonly List<object> _errors = [];

    public IReadOnlyDictionary<string, object?> Arguments => _arguments;
    public IReadOnlyList<object> Errors => _errors;
    public bool IsValid => _errors.Count == 0;

    public Guid Id(string field, string? value)
    {
        _arguments[field] = value;
        if (value is { Length: <= 64 } && Guid.TryParse(value.Trim(), out var id) && id != Guid.Empty)
        {
            return id;
        }

        return Fail(field, "A non-empty id (a GUID such as 3f2b8c1e-...) is required.", Guid.Empty);
    }

    public Guid? OptionalId(string field, string? value) => string.IsNullOrWhiteSpace(value) ? Keep<Guid?>(field, null) : Id(field, value);

    public int Number(string field, int value, int min, int max)
    {
        _arguments[field] = value;
        return value >= min && value <= max ? value : Fail(field, $"A whole number from {min} to {max} is required.", value);
    }

    public string Text(string field, string? value, int maxLength)
    {
        _arguments[field] = Bounded(value, maxLength);
        if (string.IsNullOrWhiteSpace(value))
        {
            return Fail(field, "Required text.", "");
        }

        return CheckText(field, value, maxLength);
    }

    public string? OptionalText(string field, string? value, int maxLength)
    {
        _arguments[field] = Bounded(value, maxLength);
        return string.IsNullOrWhiteSpace(value) ? null : CheckText(field, value, maxLength);
    }

    /// <summary>A value of an enum, by its name in any case; underscores and hyphens are ignored.</summary>
    public TEnum? Choice<TEnum>(string field, string? value, bool required) where TEnum : struct, Enum
    {
        _arguments[field] = Bounded(value, 40);
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Fail<TEnum?>(field, $"One of: {Names<TEnum>()}.", null) : null;
        }

        var plain = value.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return value.Length <= 40 && Word().IsMatch(plain) && Enum.TryParse<TEnum>(plain, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : Fail<TEnum?>(field, $"One of: {Names<TEnum>()}.", null);
    }

    /// <summary>A fact the tool looked up rather than an argument (e.g. that accepting changes a price), for the approval policy and the audit.</summary>
    public void Fact(string field, object? value) => _arguments[field] = value;

    public void Require(bool valid, string field, string reason)
    {
        if (!valid)
        {
            Fail(field, reason, 0);
        }
    }

    private string CheckText(string field, string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            return Fail(field, $"At most {maxLength} characters.", "");
        }

        // PostgreSQL text cannot hold NUL; other control characters other than line breaks and tabs have no place in a note.
        return value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            ? Fail(field, "Control characters are not allowed.", "")
            : value.Trim();
    }

    private T Keep<T>(string field, T value)
    {
        _arguments[field] = value;
        return value;
    }

    private T Fail<T>(string field, string reason, T fallback)
    {
        _errors.Add(new { field, reason });
        return fallback;
    }

    /// <summary>Oversized text is kept cut for the audit: the point is what was sent, not all of it.</summary>
    private static string? Bounded(string? value, int maxLength) => value is null || value.Length <= maxLength ? value : value[..maxLength] + "…";

    private static string Names<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>().Select(Snake));

    public static string Snake(string name) => SnakeBoundary().Replace(name, "$1_$2").ToLowerInvariant();

    [GeneratedRegex("^[A-Za-z]+$")]
    private static partial Regex Word();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex SnakeBoundary();
}
