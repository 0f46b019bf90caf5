using Misty.Grains.Interfaces.Knowledge;

namespace Misty.Grains.Knowledge;

/// <summary>
/// A search: the words to rank by, and the web-search operators that constrain which items may be found, each as text
/// for PostgreSQL's <c>websearch_to_tsquery</c>. <see cref="Required"/>: the quoted phrases, every
/// one of which an item must contain; <see cref="Excluded"/>: the words and phrases after a minus, none of which it may
/// contain. Both are empty for plain text (a question, a customer's message), whose quotes and minus signs
/// are only characters: a customer who quotes a phrase is not asking for it to appear word for word.
/// </summary>
public sealed record SearchQuery(string Text, string Required, string Excluded)
{
    public bool Constrained => Required.Length > 0 || Excluded.Length > 0;

    /// <summary>The text as it is, every word ranking and nothing constraining.</summary>
    public static SearchQuery Plain(string text) => new(text, "", "");
}

/// <summary>
/// Reads the operators of web search, as <c>websearch_to_tsquery</c> does: <c>"a phrase"</c> must appear, <c>-word</c>
/// and <c>-"a phrase"</c> must not. A minus counts only at the start of a word, so "second-hand" and "7-inch" stay
/// words; an unclosed quote runs to the end. A phrase's words still rank the items (by meaning and by keywords); an
/// excluded word does not, so "pressing -test" does not pull test pressings up by meaning.
/// </summary>
public static class SearchSyntax
{
    public static SearchQuery Read(string query, QuerySyntax syntax) => syntax == QuerySyntax.Web ? Parse(query) : SearchQuery.Plain(query);

    public static SearchQuery Parse(string query)
    {
        var text = new List<string>();
        var required = new List<string>();
        var excluded = new List<string>();
        var i = 0;
        while (i < query.Length)
        {
            if (char.IsWhiteSpace(query[i]))
            {
                i++;
                continue;
            }

            var negated = query[i] == '-' && i + 1 < query.Length && (query[i + 1] == '"' || char.IsLetterOrDigit(query[i + 1]));
            var start = negated ? i + 1 : i;
            string term;
            bool phrase;
            if (query[start] == '"')
            {
                var close = query.IndexOf('"', start + 1);
                var end = close < 0 ? query.Length : close;
                term = string.Join(' ', query[(start + 1)..end].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                phrase = true;
                i = close < 0 ? query.Length : close + 1;
            }
            else
            {
                var end = start;
                while (end < query.Length && !char.IsWhiteSpace(query[end]) && query[end] != '"')
                {
                    end++;
                }

                term = query[start..end];
                phrase = false;
                i = end;
            }

            if (term.Length == 0)
            {
                continue;
            }

            if (negated)
            {
                excluded.Add(phrase ? $"\"{term}\"" : term);
            }
            else
            {
                text.Add(term);
                if (phrase)
                {
                    required.Add($"\"{term}\"");
                }
            }
        }

        return new SearchQuery(string.Join(' ', text), string.Join(' ', required), string.Join(" or ", excluded));
    }
}
