using Microsoft.AspNetCore.Http.HttpResults;

namespace Misty.Web.Api;

/// <summary>
/// Collects validation failures per field (camelCase, as on the wire) and turns them into one RFC 9457
/// validation problem, so a caller learns every bad field at once.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Records <paramref name="message"/> for <paramref name="field"/> unless <paramref name="valid"/>.</summary>
    public FieldErrors Check(bool valid, string field, string message)
    {
        if (!valid)
        {
            Add(field, message);
        }

        return this;
    }

    /// <returns>The trimmed text, or null (recorded against <paramref name="field"/>) when it is missing or blank.</returns>
    public string? RequiredText(string? value, string field, int maxLength)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            Add(field, "Required, and not blank.");
            return null;
        }

        Check(text.Length <= maxLength, field, $"At most {maxLength} characters.");
        return text;
    }

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
        return this;
    }

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(_errors.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray()));
}
