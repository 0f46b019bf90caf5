using System.Text;

namespace Misty.Grains.Knowledge;

/// <summary>
/// A passage of an item, and the text its embedding is computed from (the item's title, then the passage, or for a
/// sentence window, negative numbers, the one sentence of the passage).
/// </summary>
public sealed record TextChunk(int Number, string Content, string EmbeddingText);

/// <summary>
/// Splits an item into passages of whole sentences of at most about <see cref="MaxWords"/> words, so each passage
/// fits the model's window (MiniLM was trained on 128-token inputs) and a snippet is a readable unit. Every passage
/// is embedded with its item's title, which often carries the topic the passage leaves implicit. An item of more than
/// one passage also gets chunk 0: title and opening text together, the embedding of the item as a whole. With
/// <c>sentenceWindows</c>, each sentence of a passage of several also gets a chunk of its own (numbered -1, -2, ...),
/// embedded with the title, whose content is its whole passage: a question often asks about one sentence, which a
/// passage's vector dilutes among its other topics, while the snippet stays the readable passage. Windows are for the
/// vector ranking only: the store gives them no keywords, which would repeat their passage's.
/// </summary>
public static class TextChunker
{
    public const int MaxWords = 90;

    public static IReadOnlyList<TextChunk> Chunk(string title, string body, bool sentenceWindows = false)
    {
        var passages = new List<string>();
        var current = new StringBuilder();
        var words = 0;
        foreach (var paragraph in body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var sentence in Sentences.Split(paragraph))
            {
                var count = CountWords(sentence);
                if (words > 0 && words + count > MaxWords)
                {
                    passages.Add(current.ToString());
                    current.Clear();
                    words = 0;
                }

                if (current.Length > 0)
                {
                    current.Append(' ');
                }

                current.Append(sentence);
                words += count;
            }
        }

        if (current.Length > 0)
        {
            passages.Add(current.ToString());
        }

        if (passages.Count == 0)
        {
            passages.Add(title);
        }

        var chunks = new List<TextChunk>(passages.Count + 1);
        if (passages.Count > 1)
        {
            var opening = string.Join(' ', passages).Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2 * MaxWords);
            chunks.Add(new TextChunk(0, passages[0], $"{title}. {string.Join(' ', opening)}"));
        }

        for (var i = 0; i < passages.Count; i++)
        {
            chunks.Add(new TextChunk(i + 1, passages[i], $"{title}. {passages[i]}"));
        }

        if (sentenceWindows)
        {
            var window = 0;
            foreach (var passage in passages)
            {
                var sentences = Sentences.Split(passage).ToList();
                foreach (var sentence in sentences.Count > 1 ? sentences : [])
                {
                    chunks.Add(new TextChunk(--window, passage, $"{title}. {sentence}"));
                }
            }
        }

        return chunks;
    }

    private static int CountWords(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}

/// <summary>Sentence boundaries: a full stop, question or exclamation mark followed by a space and a capital or digit.</summary>
public static class Sentences
{
    public static IEnumerable<string> Split(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length - 2; i++)
        {
            if (text[i] is '.' or '?' or '!' && text[i + 1] == ' ' && (char.IsUpper(text[i + 2]) || char.IsDigit(text[i + 2])))
            {
                yield return text[start..(i + 1)].Trim();
                start = i + 2;
            }
        }

        if (start < text.Length && text[start..].Trim() is { Length: > 0 } rest)
        {
            yield return rest;
        }
    }
}
