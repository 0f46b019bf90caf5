using System.Collections.Frozen;
using System.Globalization;

namespace Misty.Grains.Sentiment;

/// <summary>A multi-word expression, keyed by its first word; <see cref="Tail"/> holds the words after it.</summary>
internal sealed record Phrase(string[] Tail, LexiconEntry Entry);

/// <summary>
/// The word tables of the analyzer: the VADER lexicon and emoji descriptions (embedded under Sentiment/Data)
/// merged with <see cref="EnglishRules"/>. Immutable once built.
/// </summary>
internal sealed class SentimentLexicon
{
    private const string ResourcePrefix = "Misty.Grains.Sentiment.Data.";

    // Longer words are not English words worth a morphological guess (URLs, hashes, runs of letters).
    private const int MaxInflectedLength = 40;

    private static readonly LexiconEntry ContractedNegator = new(0, 0, 0, WordRole.Negator);

    private SentimentLexicon(
        FrozenDictionary<string, LexiconEntry> words,
        FrozenDictionary<string, float> emoticons,
        FrozenDictionary<string, Phrase[]> phrases,
        IReadOnlyList<(string Emoji, string Description)> emojiDescriptions)
    {
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

    public static SentimentLexicon LoadEmbedded()
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
                // Bare numbers ("86", "143") are texting slang in the lexicon but quantities in orders and reviews.
                emoticons[token] = valence;
            }
        }

        foreach (var (token, valence) in emoticons.ToList())
        {
            emoticons.TryAdd(token.ToLowerInvariant(), valence);
        }

        foreach (var (word, valence) in EnglishRules.WordValences)
        {
            Update(words, word, e => e with { Valence = valence });
        }

        foreach (var (word, scalar) in EnglishRules.Boosters)
        {
            Update(words, word, e => e with { Scalar = scalar, Role = e.Role | WordRole.Booster });
        }

        foreach (var (word, negated) in EnglishRules.DeniedExpectations)
        {
            Update(words, word, e => e with { NegatedValence = negated });
        }

        AddRole(words, EnglishRules.Negators, WordRole.Negator);
        AddRole(words, EnglishRules.EmphaticNegators, WordRole.EmphaticNegator);
        AddRole(words, EnglishRules.NegatorEmphasis, WordRole.NegatorEmphasis);
        AddRole(words, EnglishRules.Contrasts, WordRole.Contrast);
        AddRole(words, EnglishRules.VerbContexts, WordRole.VerbContext);
        AddRole(words, EnglishRules.VerbOnly, WordRole.VerbOnly);
        AddRole(words, EnglishRules.Determiners, WordRole.Determiner);
        AddRole(words, EnglishRules.AdjectiveOnly, WordRole.AdjectiveOnly);

        phrases.AddRange(EnglishRules.Phrases.Select(p => (p.Phrase, new LexiconEntry(p.Valence, 0, 0, WordRole.None))));
        phrases.AddRange(EnglishRules.NegatorPhrases.Select(p => (p, new LexiconEntry(0, 0, 0, WordRole.Negator))));
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
            ReadEmojiDescriptions());
    }

    /// <summary>
    /// A lower-case word the tables lack: a contraction ("shouldn't"), a clitic ("film's"), laughter, a stretched
    /// word ("goooood") or a derived form of a listed word ("disappoints", "stunningly", "unfunny", "humourless").
    /// Default (no sentiment) when none applies.
    /// </summary>
    public LexiconEntry LookupUnlisted(ReadOnlySpan<char> word)
    {
        if (word.EndsWith("n't"))
        {
            return ContractedNegator;
        }

        var apostrophe = word.IndexOf('\'');
        if (apostrophe > 0)
        {
            // The host word carries the meaning; "I'd", "you'll" still announce a verb.
            return Words.TryGetValue(word[..apostrophe], out var host) ? host with { Role = host.Role & WordRole.VerbContext } : default;
        }

        if (word.Length > MaxInflectedLength)
        {
            return default;
        }

        if (IsLaughter(word))
        {
            return Words.TryGetValue("hahaha", out var laughter) ? laughter : default;
        }

        Span<char> buffer = stackalloc char[word.Length + 1];
        if (SqueezeRepeats(word, 2, buffer) < word.Length)
        {
            return Elongated(word, buffer);
        }

        var derived = Derived(word, buffer);
        return derived == 0 ? default : new LexiconEntry(derived, 0, 0, WordRole.None);
    }

    /// <summary>
    /// "goooood", "loooove", "sooo": the word with its letter runs cut to two, else to one. Stretching a word
    /// is emphasis (Brody and Diakopoulos, 2011), worth as much as an intensifier.
    /// </summary>
    private LexiconEntry Elongated(ReadOnlySpan<char> word, Span<char> buffer)
    {
        for (var keep = 2; keep >= 1; keep--)
        {
            var length = SqueezeRepeats(word, keep, buffer);
            var entry = Words.TryGetValue(buffer[..length], out var listed) ? listed : LookupUnlisted(buffer[..length]);
            if (entry != default)
            {
                return entry.Valence == 0 ? entry : entry with { Valence = entry.Valence + MathF.Sign(entry.Valence) * EnglishRules.BoostStep };
            }
        }

        return default;
    }

    /// <summary>Copies the word with every run of one letter cut to at most <paramref name="keep"/>; returns the new length.</summary>
    private static int SqueezeRepeats(ReadOnlySpan<char> word, int keep, Span<char> buffer)
    {
        var length = 0;
        var run = 0;
        for (var i = 0; i < word.Length; i++)
        {
            run = i > 0 && word[i] == word[i - 1] ? run + 1 : 1;
            if (run <= keep)
            {
                buffer[length++] = word[i];
            }
        }

        return length;
    }

    /// <summary>"hahahaha" and longer: laughter, as "hahaha" in the lexicon.</summary>
    private static bool IsLaughter(ReadOnlySpan<char> word)
    {
        if (word.Length < 7)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (word[i] != (i % 2 == 0 ? 'h' : 'a'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The valence a derived word gets from its listed base, or 0.</summary>
    private float Derived(ReadOnlySpan<char> word, Span<char> buffer)
    {
        const int minimumPrefixed = 6;
        const int minimumSuffixed = 7;
        if (word.Length >= minimumPrefixed && word.StartsWith("un"))
        {
            // "unfunny", "uninspired": un- denies its base, as a negation would.
            var valence = Listed(word[2..], "", buffer);
            if (valence == 0)
            {
                valence = Inflected(word[2..], buffer);
            }

            if (valence != 0)
            {
                return valence * EnglishRules.NegationScalar;
            }
        }

        if (word.Length >= minimumSuffixed && word.EndsWith("less"))
        {
            // "charmless", "humorless": lacking something good. ("Flawless" and "fearless" are listed themselves.)
            var valence = Listed(word[..^4], "", buffer);
            if (valence > 0)
            {
                return valence * EnglishRules.NegationScalar;
            }
        }

        return Inflected(word, buffer);
    }

    /// <summary>Undoes regular English inflection and -ly/-ness derivation to find a listed base.</summary>
    private float Inflected(ReadOnlySpan<char> word, Span<char> buffer)
    {
        if (word.Length < 4)
        {
            return 0;
        }

        if (word.EndsWith("ies") || word.EndsWith("ied"))
        {
            return Listed(word[..^3], "y", buffer);
        }

        if (word.EndsWith("ily"))
        {
            return Listed(word[..^3], "y", buffer);
        }

        if (word.EndsWith("ably") || word.EndsWith("ibly"))
        {
            return Listed(word[..^1], "e", buffer);
        }

        if (word.EndsWith("ically"))
        {
            return Listed(word[..^4], "", buffer);
        }

        if (word.EndsWith("ly"))
        {
            return Listed(word[..^2], "", buffer);
        }

        if (word.EndsWith("ness"))
        {
            return Listed(word[..^4], "", buffer);
        }

        if (word.EndsWith("ing"))
        {
            return ListedVerbStem(word[..^3], buffer);
        }

        if (word.EndsWith("ed"))
        {
            var valence = Listed(word[..^1], "", buffer);
            return valence != 0 ? valence : ListedVerbStem(word[..^2], buffer);
        }

        if (word.EndsWith("es"))
        {
            var valence = Listed(word[..^1], "", buffer);
            return valence != 0 ? valence : Listed(word[..^2], "", buffer);
        }

        return word[^1] == 's' && word[^2] != 's' ? Listed(word[..^1], "", buffer) : 0;
    }

    /// <summary>For -ing and -ed: the stem as is, plus e ("lov-ing"), or less a doubled consonant ("stopp-ed").</summary>
    private float ListedVerbStem(ReadOnlySpan<char> stem, Span<char> buffer)
    {
        if (stem.Length < 2)
        {
            return 0;
        }

        var valence = Listed(stem, "", buffer);
        if (valence == 0)
        {
            valence = Listed(stem, "e", buffer);
        }

        if (valence == 0 && stem[^1] == stem[^2])
        {
            valence = Listed(stem[..^1], "", buffer);
        }

        return valence;
    }

    private float Listed(ReadOnlySpan<char> stem, string suffix, Span<char> buffer)
    {
        if (stem.Length < 2)
        {
            return 0;
        }

        stem.CopyTo(buffer);
        suffix.CopyTo(buffer[stem.Length..]);
        return Words.TryGetValue(buffer[..(stem.Length + suffix.Length)], out var entry) ? entry.Valence : 0;
    }

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
