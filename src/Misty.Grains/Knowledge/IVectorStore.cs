namespace Misty.Grains.Knowledge;

/// <summary>An indexed item: its kind (document, album, case, review) and id.</summary>
public readonly record struct SourceKey(string Kind, Guid Id);

/// <summary>A chunk's place and vector.</summary>
public sealed record ChunkVector(SourceKey Source, int ChunkNo, float[] Vector);

/// <summary>An item found by vector search: its best chunk and that chunk's cosine similarity to the query.</summary>
public sealed record VectorMatch(SourceKey Source, int ChunkNo, float Similarity);

/// <summary>
/// Nearest items by cosine similarity. The built-in store keeps vectors in process (PostgreSQL 15 without pgvector);
/// a pgvector-backed store would implement the same interface, and would have to take the centred kinds' cosines about
/// their mean as the built-in one does (<see cref="KindMean"/>) to rank alike.
/// </summary>
public interface IVectorStore
{
    int Count { get; }

    /// <summary>Replaces every chunk of <paramref name="source"/> with <paramref name="chunks"/> (none removes the item).</summary>
    void Replace(SourceKey source, IReadOnlyList<ChunkVector> chunks);

    /// <summary>
    /// The <paramref name="take"/> items whose best chunk is most similar to <paramref name="query"/> over the
    /// dimensions in <paramref name="part"/> (one model's vector, <see cref="ITextEmbedder.Parts"/>); both the query
    /// and the stored vectors are whole.
    /// </summary>
    IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, Range part, int take, IReadOnlyCollection<string> kinds);
}
