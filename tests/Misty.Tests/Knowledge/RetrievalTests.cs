using Misty.Grains.Knowledge;

namespace Misty.Tests.Knowledge;

[Trait("Category", "Unit")]
[Trait("Category", "Unit")]
public sealed class RetrievalTests
{
    [Fact]
    public void Fusion_rewards_items_ranked_well_by_both_lists()
    {
        var (a, b, c) = (Key(1), Key(2), Key(3));
        var fused = RankFusion.Fuse(RankFusion.PaperK, ([a, b, c], 1.0), ([b, c], 1.0));

        Assert.Equal([b, c, a], fused.Select(item => item.Source));
        Assert.Equal((1.0 / 62) + (1.0 / 61), fused[0].Score, 12);
    }

    [Fact]
    public void Chunks_keep_whole_sentences_carry_the_title_and_a_long_item_gets_a_whole_item_chunk()
    {
        var sentence = "Start " + string.Join(' ', Enumerable.Repeat("word", 28)) + " end.";
        var body = string.Join(' ', Enumerable.Repeat(sentence, 7));

        var chunks = TextChunker.Chunk("Title", body);

        Assert.Equal([0, 1, 2, 3], chunks.Select(chunk => chunk.Number));
        Assert.All(chunks, chunk => Assert.StartsWith("Title. ", chunk.EmbeddingText, StringComparison.Ordinal));
        Assert.All(chunks.Skip(1), chunk => Assert.EndsWith("end.", chunk.Content, StringComparison.Ordinal));
        Assert.All(chunks.Skip(1), chunk => Assert.True(chunk.Content.Split(' ').Length <= TextChunker.MaxWords));
        Assert.Single(TextChunker.Chunk("Short", "One sentence only."));
    }

    [Fact]
    public void The_vector_store_ranks_items_by_their_best_chunk_filters_kinds_replaces_and_stays_within_capacity()
    {
        var store = new InMemoryVectorStore(dimensions: 3, capacity: 4);
        var (a, b) = (Key(1), Key(2));
        store.Replace(a, [new ChunkVector(a, 1, [1, 0, 0]), new ChunkVector(a, 2, [0, 1, 0])]);
        store.Replace(b, [new ChunkVector(b, 1, [0.6f, 0.8f, 0])]);

        var found = store.Search([0, 1, 0], 10, []);
        Assert.Equal([a, b], found.Select(match => match.Source));
        Assert.Equal(2, found[0].ChunkNo);
        Assert.Empty(store.Search([0, 1, 0], 10, ["album"]));

        store.Replace(a, [new ChunkVector(a, 1, [0, 0, 1])]);
        Assert.Equal([b, a], store.Search([0, 1, 0], 10, []).Select(match => match.Source));

        // Three more chunks would pass the capacity of four: refused, and the store still holds the rest.
        var c = Key(3);
        store.Replace(c, [new ChunkVector(c, 1, [1, 0, 0]), new ChunkVector(c, 2, [1, 0, 0]), new ChunkVector(c, 3, [1, 0, 0])]);
        Assert.Equal(2, store.Count);
        store.Replace(b, []);
        Assert.Equal([a], store.Search([0, 0, 1], 10, []).Select(match => match.Source));
    }

    private static SourceKey Key(int n) => new("document", new Guid(n, 0, 0, new byte[8]));
}
