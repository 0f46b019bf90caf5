using System.Text;

namespace Misty.Grains.Cases.Triage;

/// <summary>
/// A message reduced to lower-case words separated by single spaces (apostrophes dropped, so "hasn't" is "hasnt"),
/// for matching the triage's keywords and phrases.
/// </summary>
public sealed class TriageText
{
    private readonly string _padded;
    private readonly string[] _words;

    public TriageText(string text)
    {
        var normal = Normalize(text);
        _padded = $" {normal} ";
        _words = normal.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Whether the text has <paramref name="term"/>: a word or phrase, or (ending in *) any word starting with the stem,
    /// e.g. "refund*" for refund, refunds, refunded.
    /// </summary>
    public bool Has(string term) =>
        term.EndsWith('*')
            ? _words.Any(word => word.StartsWith(term.AsSpan(0, term.Length - 1), StringComparison.Ordinal))
            : _padded.Contains($" {term} ", StringComparison.Ordinal);

    public bool HasAny(IEnumerable<string> terms) => terms.Any(Has);

    /// <summary>The summed weights of the terms the text has, each counted once.</summary>
    public double Score(IEnumerable<(string Term, double Weight)> terms) => terms.Where(term => Has(term.Term)).Sum(term => term.Weight);

    /// <summary>Lower-case letters and digits, one space between words; apostrophes join their word ("don't" → "dont").</summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = true;
        foreach (var c in text)
        {
            if (c is '\'' or '\u2019')
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }

        return builder.ToString().TrimEnd();
    }
}
