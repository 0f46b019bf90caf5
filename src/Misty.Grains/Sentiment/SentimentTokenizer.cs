using System.Buffers;
using System.Globalization;

namespace Misty.Grains.Sentiment;

/// <summary>
/// Splits a text into terms: words (looked up in the lexicon), emoticons, emoji and the phrases they form,
/// noting the punctuation between them. Counts what the analyzer needs about the whole text on the way.
/// </summary>
internal ref struct SentimentTokenizer
{
    private static readonly SearchValues<char> AsciiWordChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private readonly SentimentLexicon _lexicon;
    private readonly EmojiTable _emoji;
    private readonly ReadOnlySpan<char> _text;
    private readonly Span<char> _lowered;
    private TermFlags _pending;

    /// <summary>The terms found; the caller disposes them.</summary>
    public TermList Terms;

    /// <param name="lowered">Scratch space as long as the text; receives its lower-cased, normalised copy.</param>
    public SentimentTokenizer(SentimentLexicon lexicon, EmojiTable emoji, ReadOnlySpan<char> text, Span<char> lowered)
    {
        _lexicon = lexicon;
        _emoji = emoji;
        _text = text;
        _lowered = lowered[..text.Length];
        _pending = TermFlags.ClauseStart | TermFlags.SentenceStart;
        Terms = new TermList(text.Length);
    }

    public int Words { get; private set; }

    public int CapsWords { get; private set; }

    public int Exclamations { get; private set; }

    public int Questions { get; private set; }

    public void Run()
    {
        Lower();
        var i = 0;
        while (i < _text.Length)
        {
            if (char.IsWhiteSpace(_text[i]))
            {
                i++;
                continue;
            }

            var end = i + 1;
            while (end < _text.Length && !char.IsWhiteSpace(_text[end]))
            {
                end++;
            }

            Chunk(i, end);
            i = end;
        }

        Terms.Count = MergePhrases(Terms.Items);
    }

    private readonly void Lower()
    {
        for (var i = 0; i < _text.Length; i++)
        {
            var c = _text[i];
            _lowered[i] = c switch
            {
                // Typographic apostrophes and hyphens, so that "don’t" and "don't" look alike.
                '\u2019' or '\u2018' or '\u02BC' or '`' or '\u00B4' => '\'',
                '\u2010' or '\u2011' => '-',
                < '\u0080' => char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c,
                _ => char.ToLowerInvariant(c),
            };
        }
    }

    /// <summary>One whitespace-delimited chunk: an emoticon, or words, emoji and punctuation run together.</summary>
    private void Chunk(int start, int end)
    {
        var trailer = end;
        while (trailer > start && IsTrailingPunctuation(_text[trailer - 1]))
        {
            trailer--;
        }

        if (TryEmoticon(start, trailer, end))
        {
            return;
        }

        var p = start;
        while (p < end)
        {
            var c = _text[p];
            if (IsWordChar(c))
            {
                // Apostrophes and hyphens join letters ("don't", "well-made") but do not start or end a word.
                var q = p + 1;
                while (q < end && (IsWordChar(_text[q]) || (_lowered[q] is '\'' or '-' && q + 1 < end && IsWordChar(_text[q + 1]))))
                {
                    q++;
                }

                AddWord(p, q);
                p = q;
                continue;
            }

            // An emoticon glued to the word before it: "great:)".
            if (p > start && TryEmoticon(p, trailer, end))
            {
                return;
            }

            if (c > '\u007F' && _emoji.TryMatch(_text, p, end, out var length, out var valence))
            {
                AddSymbol(p, length, valence);
                p += length;
                continue;
            }

            Punctuation(c);
            p += char.IsHighSurrogate(c) && p + 1 < end ? 2 : 1;
        }
    }

    private void Punctuation(char c)
    {
        switch (c)
        {
            case '!':
                Exclamations++;
                _pending |= TermFlags.ClauseStart | TermFlags.SentenceStart;
                break;
            case '?':
                Questions++;
                _pending |= TermFlags.ClauseStart | TermFlags.SentenceStart;
                break;
            case '.' or '\u2026':
                _pending |= TermFlags.ClauseStart | TermFlags.SentenceStart;
                break;
            case ',' or ';' or ':' or '(' or ')' or '[' or ']' or '-' or '\u2013' or '\u2014':
                _pending |= TermFlags.ClauseStart;
                break;
        }
    }

    /// <summary>
    /// The rest of the chunk from <paramref name="start"/> as an emoticon, perhaps less some of the punctuation
    /// that ends the chunk from <paramref name="trailer"/> on (":-)!!" is ":-)" and "!!").
    /// </summary>
    private bool TryEmoticon(int start, int trailer, int end)
    {
        // Only emoticon-sized candidates are looked up, so that a long run of punctuation costs linear time.
        for (var body = Math.Min(end, start + _lexicon.LongestEmoticon); body >= Math.Max(trailer, start + 2); body--)
        {
            var candidate = _text[start..body];
            if (candidate.ContainsAnyExcept(AsciiWordChars) &&
                (_lexicon.Emoticons.TryGetValue(candidate, out var valence) ||
                 _lexicon.Emoticons.TryGetValue(_lowered[start..body], out valence)))
            {
                AddSymbol(start, body - start, valence);
                foreach (var c in _text[body..end])
                {
                    Punctuation(c);
                }

                return true;
            }
        }

        return false;
    }

    private static bool IsTrailingPunctuation(char c) => c is '.' or ',' or '!' or '?' or ';';

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || (c > '\u007F' && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark);

    private void AddSymbol(int start, int length, float valence)
    {
        Terms.Add(new Term(start, length, new LexiconEntry(valence, 0, 0, WordRole.None), _pending | TermFlags.Symbol));
        _pending = TermFlags.None;
    }

    private void AddWord(int start, int end)
    {
        var word = _lowered[start..end];
        if (_lexicon.Words.TryGetValue(word, out var entry))
        {
            AddWord(start, end, entry);
            return;
        }

        // "well-made" is not listed, but its parts may be: take them one by one.
        var part = start;
        for (var hyphen = word.IndexOf('-'); hyphen >= 0; hyphen = word[(part - start)..].IndexOf('-'))
        {
            var partEnd = part + hyphen;
            AddWord(part, partEnd, Lookup(_lowered[part..partEnd]));
            part = partEnd + 1;
        }

        AddWord(part, end, Lookup(_lowered[part..end]));
    }

    private readonly LexiconEntry Lookup(ReadOnlySpan<char> word) =>
        _lexicon.Words.TryGetValue(word, out var entry) ? entry : _lexicon.LookupUnlisted(word);

    private void AddWord(int start, int end, LexiconEntry entry)
    {
        var flags = _pending;
        _pending = TermFlags.None;
        Words++;
        if (IsShouting(_text[start..end]))
        {
            CapsWords++;
            flags |= TermFlags.Caps;
        }

        Terms.Add(new Term(start, end - start, entry, flags));
    }

    /// <summary>Two or more capitals and no lower case; "I" and "A" are not shouting.</summary>
    private static bool IsShouting(ReadOnlySpan<char> word)
    {
        var upper = 0;
        foreach (var c in word)
        {
            if (char.IsLower(c))
            {
                return false;
            }

            if (char.IsUpper(c))
            {
                upper++;
            }
        }

        return upper >= 2;
    }

    /// <summary>Collapses multi-word expressions into single terms, longest match first.</summary>
    private readonly int MergePhrases(Span<Term> terms)
    {
        var write = 0;
        var read = 0;
        while (read < terms.Length)
        {
            var term = terms[read];
            var consumed = 1;
            if ((term.Entry.Role & WordRole.PhraseStart) != 0 &&
                _lexicon.Phrases.TryGetValue(_lowered.Slice(term.Start, term.Length), out var phrases))
            {
                foreach (var phrase in phrases)
                {
                    if (Matches(terms, read, phrase.Tail, out var caps))
                    {
                        term.Entry = phrase.Entry;
                        term.Flags = (term.Flags & ~TermFlags.Caps) | (caps ? TermFlags.Caps : TermFlags.None);
                        consumed = 1 + phrase.Tail.Length;
                        break;
                    }
                }
            }

            terms[write++] = term;
            read += consumed;
        }

        return write;
    }

    private readonly bool Matches(ReadOnlySpan<Term> terms, int at, string[] tail, out bool caps)
    {
        caps = (terms[at].Flags & TermFlags.Caps) != 0;
        var stops = _lexicon.Rules.HasFlag(SentimentRules.ClauseScope) ? TermFlags.ClauseStart | TermFlags.Symbol : TermFlags.Symbol;
        if (at + tail.Length >= terms.Length)
        {
            return false;
        }

        for (var k = 0; k < tail.Length; k++)
        {
            var next = terms[at + 1 + k];
            if ((next.Flags & stops) != 0 ||
                !_lowered.Slice(next.Start, next.Length).SequenceEqual(tail[k]))
            {
                return false;
            }

            caps &= (next.Flags & TermFlags.Caps) != 0;
        }

        return true;
    }
}
