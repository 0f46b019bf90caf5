using System.Collections.Frozen;
using System.Globalization;

namespace Misty.Grains.Sentiment;

/// <summary>A multi-word expression, keyed by its first word; <see cref="Tail"/> holds the words after it.</summary>
internal sealed record Phrase(string[] Tail, LexiconEntry Entry);

/// <summary>
/// The word tables of the analyzer: the VADER lexicon and emoji descriptions (embedded under Sentiment/Data)
/// merged with <see cref="EnglishRules"/>. Immutable once built.
/// </summary>
internal sealed partial class SentimentLexicon
{
    private const string ResourcePrefix = "Misty.Grains.Sentiment.Data.";

    private SentimentLexicon(
        FrozenDictionary<string, LexiconEntry> words,
        FrozenDictionary<string, float> emoticons,
        FrozenDictionary<string, Phrase[]> phrases,
        IReadOnlyList<(string Emoji, string Description)> emojiDescriptions,
        SentimentRules rules)
    {
        Rules = rules;
        Words = words.GetAlternateLookup<ReadOnlySpan<char>>();
        Emoticons = emoticons.GetAlternateLookup<ReadOnlySpan<char>>();
        LongestEmoticon = emoticons.Keys.Max(e => e.Length);
        Phrases = phrases.GetAlternateLookup<ReadOnlySpan<char>>();
        EmojiDescriptions = emojiDescriptions;
    }

    /// <summary>Lower-case words, including the grammar words that have a role but no valence.</summary>
    public FrozenDictionary<string, LexiconEntry>.AlternateLookup<ReadOnlySpan<char>> Words { get; }

    /// <summary>Emoticons as written (":D" and ":d" differ), plus lower-case forms where those are unambiguous.</summary>
    public FrozenDictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> Emoticons { get; }

    public int LongestEmoticon { get; }

    /// <summary>Phrases by first word, longest first.</summary>
    public FrozenDictionary<string, Phrase[]>.AlternateLookup<ReadOnlySpan<char>> Phrases { get; }

    public IReadOnlyList<(string Emoji, string Description)> EmojiDescriptions { get; }

    /// <summary>The rules beyond VADER that the tables were built with, and that the analyzer applies.</summary>
    public SentimentRules Rules { get; }

    public static SentimentLexicon LoadEmbedded(SentimentRules rules = SentimentRules.All)
    {
        var words = new Dictionary<string, LexiconEntry>(StringComparer.Ordinal);
        var emoticons = new Dictionary<string, float>(StringComparer.Ordinal);
        var phrases = new List<(string Text, LexiconEntry Entry)>();

        foreach (var (token, valence) in ReadVaderLexicon())
        {
            if (token.Contains(' ', StringComparison.Ordinal))
            {
                phrases.Add((token, new LexiconEntry(valence, 0, 0, WordRole.None)));
            }
            else if (IsWord(token))
            {
                // A few entries appear twice; the later one wins, as in VADER's own loader.
                words[token] = new LexiconEntry(valence, 0, 0, WordRole.None);
            }
            else if (!token.All(char.IsAsciiDigit))
            {
                emoticons[token] = valence;
            }
            else if (!rules.HasFlag(SentimentRules.NumbersAsQuantities))
            {
                // Bare numbers ("86", "143") are texting slang in the lexicon but quantities in orders and reviews.
                words[token] = new LexiconEntry(valence, 0, 0, WordRole.None);
            }
        }

        foreach (var (token, valence) in emoticons.ToList())
        {
            emoticons.TryAdd(token.ToLowerInvariant(), valence);
        }

        var rated = Pick(
            rules,
            (SentimentRules.EverydayWords, EnglishRules.EverydayWords),
            (SentimentRules.CommonWords, EnglishRules.CommonWords),
            (SentimentRules.ShopVocabulary, EnglishRules.ShopWords));
        foreach (var (word, valence) in rated)
        {
            Update(words, word, e => e with { Valence = valence });
        }

        foreach (var (word, scalar) in EnglishRules.Boosters)
        {
            Update(words, word, e => e with { Scalar = scalar, Role = e.Role | WordRole.Booster });
        }

        foreach (var (word, negated) in Pick(rules, (SentimentRules.DeniedExpectations, EnglishRules.DeniedExpectations)))
        {
            Update(words, word, e => e with { NegatedValence = negated });
        }

        AddRole(words, EnglishRules.Negators, WordRole.Negator);
        AddRole(words, Pick(rules, (SentimentRules.MoreNegators, EnglishRules.MoreNegators)), WordRole.Negator);
        AddRole(words, EnglishRules.EmphaticNegators, WordRole.EmphaticNegator);
        AddRole(words, EnglishRules.NegatorEmphasis, WordRole.NegatorEmphasis);
        AddRole(words, EnglishRules.Contrasts, WordRole.Contrast);
        AddRole(words, Pick(rules, (SentimentRules.SwearingAsEmphasis, EnglishRules.Expletives)), WordRole.Expletive);
        AddRole(words, EnglishRules.VerbContexts, WordRole.VerbContext);
        AddRole(words, EnglishRules.VerbOnly, WordRole.VerbOnly);
        AddRole(words, EnglishRules.Determiners, WordRole.Determiner);
        AddRole(words, EnglishRules.AdjectiveOnly, WordRole.AdjectiveOnly);
        AddRole(words, EnglishRules.NotInRequests, WordRole.NotInRequests);
        AddRole(words, EnglishRules.Asking, WordRole.Asking);

        var valencePhrases = EnglishRules.Idioms.Concat(Pick(
            rules,
            (SentimentRules.MoreIdioms, EnglishRules.MoreIdioms),
            (SentimentRules.SwearingAsEmphasis, EnglishRules.InformalCheers),
            (SentimentRules.ShopVocabulary, EnglishRules.ShopPhrases),
            (SentimentRules.FixedExpressions, EnglishRules.FixedExpressions)));
        phrases.AddRange(valencePhrases.Select(p => (p.Phrase, new LexiconEntry(p.Valence, 0, 0, WordRole.None))));
        phrases.AddRange(Pick(rules, (SentimentRules.MoreNegators, EnglishRules.NegatorPhrases))
            .Select(p => (p, new LexiconEntry(0, 0, 0, WordRole.Negator))));
        phrases.AddRange(EnglishRules.BoosterPhrases.Select(p => (p.Phrase, new LexiconEntry(0, p.Scalar, 0, WordRole.Booster))));

        var byFirstWord = new Dictionary<string, List<Phrase>>(StringComparer.Ordinal);
        foreach (var (text, entry) in phrases)
        {
            var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 1)
            {
                // A hyphenated "phrase" such as "rip-off" is a single word to the tokenizer.
                words[parts[0]] = entry;
                continue;
            }

            if (!byFirstWord.TryGetValue(parts[0], out var list))
            {
                byFirstWord[parts[0]] = list = [];
            }

            // Later tables override earlier ones, as for single words.
            list.RemoveAll(p => p.Tail.AsSpan().SequenceEqual(parts.AsSpan(1)));
            list.Add(new Phrase(parts[1..], entry));
            Update(words, parts[0], e => e with { Role = e.Role | WordRole.PhraseStart });
        }

        // Contractions are negators by their ending, also those listed for another reason ("can't stand").
        AddRole(words, words.Keys.Where(w => w.EndsWith("n't", StringComparison.Ordinal)).ToList(), WordRole.Negator);

        return new SentimentLexicon(
            words.ToFrozenDictionary(StringComparer.Ordinal),
            emoticons.ToFrozenDictionary(StringComparer.Ordinal),
            byFirstWord.ToFrozenDictionary(
                p => p.Key, p => p.Value.OrderByDescending(phrase => phrase.Tail.Length).ToArray(), StringComparer.Ordinal),
            ReadEmojiDescriptions(),
            rules);
    }

    /// <summary>The entries of the tables whose rule is on, in the order given.</summary>
    private static IEnumerable<T> Pick<T>(SentimentRules rules, params (SentimentRules Rule, T[] Table)[] tables) =>
        tables.Where(t => rules.HasFlag(t.Rule)).SelectMany(t => t.Table);

    /// <summary>Letters and digits, joined by apostrophes or hyphens: what the tokenizer calls a word.</summary>
    private static bool IsWord(string token) =>
        token.Any(char.IsLetter) && token.All(c => char.IsLetterOrDigit(c) || c is '\'' or '-');

    private static void Update(Dictionary<string, LexiconEntry> words, string word, Func<LexiconEntry, LexiconEntry> change) =>
        words[word] = change(words.TryGetValue(word, out var entry) ? entry : default);

    private static void AddRole(Dictionary<string, LexiconEntry> words, IEnumerable<string> list, WordRole role)
    {
        foreach (var word in list)
        {
            Update(words, word, e => e with { Role = e.Role | role });
        }
    }

    private static IEnumerable<(string Token, float Valence)> ReadVaderLexicon()
    {
        foreach (var line in ReadLines("vader_lexicon.txt"))
        {
            var fields = line.Split('\t');
            if (fields.Length >= 2 &&
                float.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var valence))
            {
                yield return (fields[0], valence);
            }
        }
    }

    private static List<(string, string)> ReadEmojiDescriptions()
    {
        var result = new List<(string, string)>();
        foreach (var line in ReadLines("emoji_utf8_lexicon.txt"))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                result.Add((line[..tab], line[(tab + 1)..]));
            }
        }

        return result;
    }

    private static IEnumerable<string> ReadLines(string fileName)
    {
        using var stream = typeof(SentimentLexicon).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourcePrefix}{fileName} is missing.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
