namespace Misty.Grains.Sentiment;

// Words the tables lack, scored from the listed words they are made of.
internal sealed partial class SentimentLexicon
{
    // Longer words are not English words worth a morphological guess (URLs, hashes, runs of letters).
    private const int MaxInflectedLength = 40;

    private static readonly LexiconEntry ContractedNegator = new(0, 0, 0, WordRole.Negator);

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

        var stretched = Rules.HasFlag(SentimentRules.StretchedWords);
        if (stretched && IsLaughter(word))
        {
            return Words.TryGetValue("hahaha", out var laughter) ? laughter : default;
        }

        Span<char> buffer = stackalloc char[word.Length + 1];
        if (stretched && SqueezeRepeats(word, 2, buffer) < word.Length)
        {
            return Elongated(word, buffer);
        }

        var derived = Rules.HasFlag(SentimentRules.DerivedForms) ? Derived(word, buffer) : 0;
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
}
