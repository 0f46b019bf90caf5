using System.Collections.Frozen;

namespace Misty.Grains.Sentiment;

/// <summary>Emoji with their valence, matched longest first at a position of the text.</summary>
internal sealed class EmojiTable
{
    private readonly FrozenDictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> _valences;
    private readonly int _longest;

    public EmojiTable(IReadOnlyDictionary<string, float> valences)
    {
        var table = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (emoji, valence) in valences)
        {
            table[emoji] = valence;
        }

        // Variation selectors are optional in practice: "❤" and "❤️" are the same heart.
        foreach (var (emoji, valence) in valences)
        {
            var bare = emoji.Replace("\uFE0F", "", StringComparison.Ordinal);
            if (bare.Length > 0)
            {
                table.TryAdd(bare, valence);
            }
        }

        _valences = table.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _longest = table.Count == 0 ? 0 : table.Keys.Max(k => k.Length);
    }

    public static EmojiTable Empty { get; } = new(new Dictionary<string, float>());

    /// <summary>The longest emoji starting at <paramref name="start"/>, with any skin tone or variation selector after it.</summary>
    public bool TryMatch(ReadOnlySpan<char> text, int start, int end, out int length, out float valence)
    {
        for (length = Math.Min(_longest, end - start); length > 0; length--)
        {
            if (_valences.TryGetValue(text.Slice(start, length), out valence))
            {
                while (start + length < end && IsModifier(text, start + length, out var width))
                {
                    length += width;
                }

                return true;
            }
        }

        valence = 0;
        return false;
    }

    private static bool IsModifier(ReadOnlySpan<char> text, int at, out int width)
    {
        width = 1;
        if (text[at] is '\uFE0F' or '\uFE0E')
        {
            return true;
        }

        // Skin tones U+1F3FB..U+1F3FF refine an emoji without changing what it says.
        width = 2;
        return text[at] == '\uD83C' && at + 1 < text.Length && text[at + 1] is >= '\uDFFB' and <= '\uDFFF';
    }
}
