namespace Misty.Grains.Knowledge;

/// <summary>
/// Several embedders whose vectors are stored side by side, one part each (<see cref="ITextEmbedder.Parts"/>), so a
/// search can rank by each model on its own and fuse the rankings: two small models that were trained differently
/// miss different questions (docs/benchmarks.md). Each text goes through the members one after the other, on the
/// calling thread.
/// </summary>
public sealed class EmbedderEnsemble : ITextEmbedder, IDisposable
{
    private readonly SentenceEmbedder[] _members;
    private readonly bool _oneVocabulary;

    public EmbedderEnsemble(params SentenceEmbedder[] members)
    {
        _members = members;
        _oneVocabulary = members.All(member => member.Vocabulary == members[0].Vocabulary);
        var start = 0;
        Parts = [.. members.Select(member => start..(start += member.Dimensions))];
        Dimensions = start;
    }

    /// <summary>
    /// What the server and the reindex verb embed with: all-MiniLM-L6-v2 and arctic-embed-xs, both int8. Stored vectors
    /// are only comparable with these models' own, in this order.
    /// </summary>
    public static EmbedderEnsemble CreateDefault() =>
        new(new SentenceEmbedder(SentenceModel.MiniLm, EmbeddingPrecision.Quantized), new SentenceEmbedder(SentenceModel.ArcticXs, EmbeddingPrecision.Quantized));

    public int Dimensions { get; }

    public IReadOnlyList<Range> Parts { get; }

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        List<float[][]> byMember;
        if (_oneVocabulary)
        {
            // The members read a text as the same word pieces, so it is split once for all of them.
            var pieces = texts.Select(_members[0].Tokenize).ToList();
            byMember = [.. _members.Select(member => pieces.Select(member.Encode).ToArray())];
        }
        else
        {
            byMember = [.. _members.Select(member => member.Embed(texts))];
        }

        return [.. texts.Select((_, i) => Join(byMember.Select(vectors => vectors[i])))];
    }

    public float[] EmbedQuery(string query) => Join(_members.Select(member => member.EmbedQuery(query)));

    private float[] Join(IEnumerable<float[]> parts)
    {
        var whole = new float[Dimensions];
        foreach (var (part, range) in parts.Zip(Parts))
        {
            part.CopyTo(whole.AsSpan(range));
        }

        return whole;
    }

    public void Dispose()
    {
        foreach (var member in _members)
        {
            member.Dispose();
        }
    }
}
