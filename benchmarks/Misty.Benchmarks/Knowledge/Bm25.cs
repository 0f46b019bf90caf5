using System.Text.RegularExpressions;

namespace Misty.Benchmarks.Knowledge;

/// <summary>
/// Okapi BM25 (k1 = 1.2, b = 0.75) over whole documents (title and body), lower-cased words, English stop words
/// removed and a crude suffix stemmer: the keyword ranking the hybrid search must beat.
/// </summary>
internal sealed partial class Bm25
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "was", "be", "it", "i", "my", "me",
        "we", "you", "your", "our", "do", "does", "can", "what", "how", "when", "who", "which", "if", "at", "by", "so", "that",
        "this", "there", "they", "them", "their", "from", "not", "no", "will", "should", "after", "before", "about", "up", "as",
        "has", "have", "had", "but", "all", "any", "some", "still", "just", "much", "many", "until", "into", "out", "one",
    ];

    private readonly List<(Guid Id, Dictionary<string, int> Terms, int Length)> _documents;
    private readonly Dictionary<string, int> _documentFrequency = [];
    private readonly double _averageLength;

    public Bm25(IEnumerable<(Guid Id, string Text)> documents)
    {
        _documents = documents.Select(document =>
        {
            var terms = Terms(document.Text).ToList();
            return (document.Id, terms.GroupBy(term => term).ToDictionary(group => group.Key, group => group.Count()), terms.Count);
        }).ToList();
        foreach (var term in _documents.SelectMany(document => document.Terms.Keys))
        {
            _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
        }

        _averageLength = _documents.Average(document => (double)document.Length);
    }

    public IReadOnlyList<Guid> Rank(string query)
    {
        var terms = Terms(query).Distinct().ToList();
        return _documents
            .Select(document => (document.Id, Score: terms.Sum(term => Score(document.Terms, document.Length, term))))
            .Where(scored => scored.Score > 0)
            .OrderByDescending(scored => scored.Score)
            .Select(scored => scored.Id)
            .ToList();
    }

    private double Score(Dictionary<string, int> terms, int length, string term)
    {
        if (!terms.TryGetValue(term, out var frequency))
        {
            return 0;
        }

        var df = _documentFrequency[term];
        var idf = Math.Log(1 + ((_documents.Count - df + 0.5) / (df + 0.5)));
        return idf * frequency * (K1 + 1) / (frequency + (K1 * (1 - B + (B * length / _averageLength))));
    }

    private static IEnumerable<string> Terms(string text) =>
        Word().Matches(text.ToLowerInvariant()).Select(match => match.Value).Where(word => !StopWords.Contains(word)).Select(Stem);

    private static string Stem(string word) =>
        word.Length > 4 && word.EndsWith("ing", StringComparison.Ordinal) ? word[..^3]
        : word.Length > 3 && word.EndsWith("ed", StringComparison.Ordinal) ? word[..^2]
        : word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) ? word[..^1]
        : word;

    [GeneratedRegex("[a-z0-9]+")]
    private static partial Regex Word();
}
