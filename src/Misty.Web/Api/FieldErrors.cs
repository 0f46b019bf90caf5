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
