using System.Buffers;

namespace Misty.Grains.Sentiment;

[Flags]
internal enum TermFlags : byte
{
    None = 0,

    /// <summary>Written in capitals ("LOVE"): emphasis, when the rest of the text is not shouted too.</summary>
    Caps = 1,

    /// <summary>Punctuation precedes the term: no modifier reaches across it, no phrase runs across it.</summary>
    ClauseStart = 2,
    SentenceStart = 4,

    /// <summary>An emoticon or emoji: scored as is, never modified.</summary>
    Symbol = 8,
}

/// <summary>A word, phrase, emoticon or emoji of the text, located in the lower-cased copy of the text.</summary>
internal struct Term(int start, int length, LexiconEntry entry, TermFlags flags)
{
    public readonly int Start = start;
    public readonly int Length = length;
    public LexiconEntry Entry = entry;
    public TermFlags Flags = flags;
    public float Score;

    public readonly bool IsSentimentBearing => Entry.Valence != 0 || Entry.NegatedValence != 0;
}

/// <summary>A pooled, growable list of terms; one per analysis, never shared.</summary>
internal struct TermList(int textLength) : IDisposable
{
    private Term[] _items = ArrayPool<Term>.Shared.Rent(Math.Clamp(textLength / 4, 16, 4096));

    public int Count { get; set; }

    public readonly Span<Term> Items => _items.AsSpan(0, Count);

    public void Add(Term term)
    {
        if (Count == _items.Length)
        {
            var larger = ArrayPool<Term>.Shared.Rent(_items.Length * 2);
            _items.AsSpan().CopyTo(larger);
            ArrayPool<Term>.Shared.Return(_items);
            _items = larger;
        }

        _items[Count++] = term;
    }

    public readonly void Dispose() => ArrayPool<Term>.Shared.Return(_items);
}
