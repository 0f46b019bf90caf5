using Misty.Grains.Knowledge;

namespace Misty.Tests.Knowledge;

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
    public void Sentence_windows_embed_each_sentence_of_a_passage_under_a_negative_number_and_keep_the_passage_as_content()
    {
        var sentence = "Start " + string.Join(' ', Enumerable.Repeat("word", 28)) + " end.";
        var body = string.Join(' ', Enumerable.Repeat(sentence, 4)) + " Last one.";

        var chunks = TextChunker.Chunk("Title", body, sentenceWindows: true);

        Assert.Equal([0, 1, 2, -1, -2, -3, -4, -5], chunks.Select(chunk => chunk.Number));
        var passages = chunks.Where(chunk => chunk.Number > 0).ToDictionary(chunk => chunk.Number, chunk => chunk.Content);
        Assert.All(chunks.Where(chunk => chunk.Number is -1 or -2 or -3), chunk => Assert.Equal(passages[1], chunk.Content));
        Assert.All(chunks.Where(chunk => chunk.Number is -4 or -5), chunk => Assert.Equal(passages[2], chunk.Content));
        Assert.All(chunks.Where(chunk => chunk.Number is -1 or -2 or -3 or -4), chunk => Assert.Equal($"Title. {sentence}", chunk.EmbeddingText));
        Assert.Equal("Title. Last one.", chunks.Single(chunk => chunk.Number == -5).EmbeddingText);
        // A passage of one sentence is its own window already.
        Assert.Equal([1], TextChunker.Chunk("Short", "One sentence only.", sentenceWindows: true).Select(chunk => chunk.Number));
    }

    [Fact]
    public void The_vector_store_ranks_items_by_their_best_chunk_filters_kinds_replaces_and_stays_within_capacity()
    {
        var store = new InMemoryVectorStore(dimensions: 3, capacity: 4);
        var (a, b) = (Key(1), Key(2));
        store.Replace(a, [new ChunkVector(a, 1, [1, 0, 0]), new ChunkVector(a, 2, [0, 1, 0])]);
        store.Replace(b, [new ChunkVector(b, 1, [0.6f, 0.8f, 0])]);

        var found = store.Search([0, 1, 0], .., 10, []);
        Assert.Equal([a, b], found.Select(match => match.Source));
        Assert.Equal(2, found[0].ChunkNo);
        Assert.Empty(store.Search([0, 1, 0], .., 10, ["album"]));

        store.Replace(a, [new ChunkVector(a, 1, [0, 0, 1])]);
        Assert.Equal([b, a], store.Search([0, 1, 0], .., 10, []).Select(match => match.Source));

        // Three more chunks would pass the capacity of four: refused, and the store still holds the rest.
        var c = Key(3);
        store.Replace(c, [new ChunkVector(c, 1, [1, 0, 0]), new ChunkVector(c, 2, [1, 0, 0]), new ChunkVector(c, 3, [1, 0, 0])]);
        Assert.Equal(2, store.Count);
        store.Replace(b, []);
        Assert.Equal([a], store.Search([0, 0, 1], .., 10, []).Select(match => match.Source));
    }

    [Fact]
    public void The_vector_store_keeps_the_same_top_items_as_a_full_sort_with_items_removed_and_rows_reused()
    {
        var random = new Random(7);
        var store = new InMemoryVectorStore(dimensions: 8, capacity: 10_000);
        var vectors = new Dictionary<SourceKey, float[][]>();
        for (var n = 0; n < 300; n++)
        {
            var key = n % 3 == 0 ? Key(n) with { Kind = "album" } : Key(n);
            vectors[key] = Enumerable.Range(0, 1 + (n % 4)).Select(_ => Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble() - 0.5f).ToArray()).ToArray();
            store.Replace(key, vectors[key].Select((vector, i) => new ChunkVector(key, i + 1, vector)).ToList());
        }

        foreach (var removed in vectors.Keys.Where((_, i) => i % 5 == 0).ToList())
        {
            store.Replace(removed, []);
            vectors.Remove(removed);
        }

        var query = Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var expected = vectors.Where(entry => entry.Key.Kind == "album")
            .Select(entry => (entry.Key, Best: entry.Value.Max(vector => vector.Zip(query, (x, y) => x * y).Sum())))
            .OrderByDescending(entry => entry.Best).Take(7).ToList();

        var found = store.Search(query, .., 7, ["album"]);

        Assert.Equal(expected.Select(entry => entry.Key), found.Select(match => match.Source));
        Assert.All(found.Zip(expected), pair => Assert.Equal(pair.Second.Best, pair.First.Similarity, 4));
        Assert.Equal(vectors.Values.Sum(chunks => chunks.Length), store.Count);
    }

    [Fact]
    public void A_centred_kind_ranks_by_cosines_about_its_mean_which_follows_replacements_and_other_kinds_stay_raw()
    {
        var random = new Random(11);
        var store = new InMemoryVectorStore(dimensions: 8, capacity: 1_000, centredKinds: ["document"]);
        // Documents share a large common direction, as texts of one style do; albums are left as they are.
        var common = Enumerable.Range(0, 8).Select(i => i == 0 ? 3f : 0f).ToArray();
        var vectors = new Dictionary<SourceKey, float[][]>();
        for (var n = 0; n < 60; n++)
        {
            var key = n % 4 == 0 ? Key(n) with { Kind = "album" } : Key(n);
            vectors[key] = Enumerable.Range(0, 1 + (n % 3)).Select(_ => Unit(common.Select(x => x + (float)random.NextDouble() - 0.5f).ToArray())).ToArray();
            store.Replace(key, vectors[key].Select((vector, i) => new ChunkVector(key, i + 1, vector)).ToList());
        }

        foreach (var removed in vectors.Keys.Where((_, i) => i % 7 == 0).ToList())
        {
            store.Replace(removed, []);
            vectors.Remove(removed);
        }

        var query = Unit(common.Select(x => x + (float)random.NextDouble() - 0.5f).ToArray());
        var documentChunks = vectors.Where(entry => entry.Key.Kind == "document").SelectMany(entry => entry.Value).ToList();
        var shrink = (float)documentChunks.Count / (documentChunks.Count + KindMean.Prior);
        var mean = Enumerable.Range(0, 8).Select(i => documentChunks.Average(vector => vector[i]) * shrink).ToArray();
        var expected = vectors.Select(entry => (entry.Key, Best: entry.Value.Max(vector =>
                entry.Key.Kind == "document" ? Cosine(Minus(query, mean), Minus(vector, mean)) : Dot(query, vector))))
            .ToList();

        foreach (var kind in new[] { "document", "album" })
        {
            var wanted = expected.Where(entry => entry.Key.Kind == kind).OrderByDescending(entry => entry.Best).Take(6).ToList();
            var found = store.Search(query, .., 6, [kind]);
            Assert.Equal(wanted.Select(entry => entry.Key), found.Select(match => match.Source));
            Assert.All(found.Zip(wanted), pair => Assert.Equal(pair.Second.Best, pair.First.Similarity, 3));
        }

        // About the mean, the documents' cosines spread out: raw, every one sits near the common direction.
        var centred = store.Search(query, .., 100, ["document"]).Select(match => match.Similarity).ToList();
        var raw = new InMemoryVectorStore(dimensions: 8, capacity: 1_000);
        foreach (var (key, chunks) in vectors)
        {
            raw.Replace(key, chunks.Select((vector, i) => new ChunkVector(key, i + 1, vector)).ToList());
        }

        var plain = raw.Search(query, .., 100, ["document"]).Select(match => match.Similarity).ToList();
        Assert.True(centred.Max() - centred.Min() > 2 * (plain.Max() - plain.Min()));

        static float[] Unit(float[] vector) => vector.Select(x => x / MathF.Sqrt(Dot(vector, vector))).ToArray();
        static float[] Minus(float[] a, float[] b) => a.Zip(b, (x, y) => x - y).ToArray();
        static float Dot(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();
        static float Cosine(float[] a, float[] b) => Dot(a, b) / MathF.Sqrt(Dot(a, a) * Dot(b, b));
    }

    [Fact]
    public void Texts_are_cut_to_the_words_the_model_reads()
    {
        var words = string.Join(' ', Enumerable.Range(0, SentenceEmbedder.MaxWords + 50).Select(i => $"w{i}"));

        Assert.Equal(SentenceEmbedder.MaxWords, SentenceEmbedder.Truncate(words).Split(' ').Length);
        Assert.EndsWith($"w{SentenceEmbedder.MaxWords - 1}", SentenceEmbedder.Truncate(words), StringComparison.Ordinal);
        Assert.Equal("short text", SentenceEmbedder.Truncate("short text"));
    }

    [Fact]
    public void Kinds_are_ranked_by_how_far_an_item_stands_out_from_its_own_kind()
    {
        var policy = Key(1);
        var otherPolicy = Key(2);
        var cases = Enumerable.Range(10, 30).Select(n => Key(n) with { Kind = "case" }).ToList();
        // Every case is close to the question (0.70 to 0.61); the policy (0.62) stands far out from the other policy (0.20).
        IReadOnlyList<VectorMatch> caseMatches = cases.Select((key, i) => new VectorMatch(key, 1, 0.70f - (i * 0.003f))).ToList();
        IReadOnlyList<VectorMatch> documents = [new VectorMatch(policy, 1, 0.62f), new VectorMatch(otherPolicy, 1, 0.20f)];

        var ranked = KindCentering.Rank([caseMatches, documents, []], 5);

        Assert.Equal(policy, ranked[0].Source);
        Assert.Equal(0.62f, ranked[0].Similarity);
        Assert.Equal(cases.Take(4), ranked.Skip(1).Select(match => match.Source));
        Assert.Equal(32, KindCentering.Rank([caseMatches, documents], 100).Count);
    }

    [Fact]
    public void Each_models_part_of_the_vectors_ranks_on_its_own()
    {
        // Two models of two dimensions each: a is near the query by the first model only, b by the second only.
        var store = new InMemoryVectorStore(dimensions: 4, capacity: 10);
        var (a, b) = (Key(1), Key(2));
        store.Replace(a, [new ChunkVector(a, 1, [1, 0, 0, 1])]);
        store.Replace(b, [new ChunkVector(b, 1, [0, 1, 1, 0])]);
        float[] query = [1, 0, 1, 0];

        Assert.Equal([a, b], store.Search(query, 0..2, 10, []).Select(match => match.Source));
        Assert.Equal([b, a], store.Search(query, 2..4, 10, []).Select(match => match.Source));
        Assert.Equal(1f, store.Search(query, 2..4, 1, [])[0].Similarity);
    }

    [Fact]
    public void Stored_vectors_of_another_length_are_left_out_until_the_item_is_embedded_again()
    {
        using var database = Npgsql.NpgsqlDataSource.Create("Host=unused");
        var vectors = new InMemoryVectorStore(dimensions: 4, capacity: 10);
        var index = new KnowledgeIndex(new KnowledgeStore(database), new FixedEmbedder(), vectors);
        var (a, b) = (Key(1), Key(2));

        index.Apply([(a, 1, [new ChunkVector(a, 1, [1, 0, 0])]), (b, 1, [new ChunkVector(b, 1, [0, 1, 0, 0])])]);
        Assert.Equal(1, index.Mismatched);
        Assert.Equal([b], vectors.Search([1, 1, 0, 0], .., 10, []).Select(match => match.Source));

        index.Apply([(a, 2, [new ChunkVector(a, 1, [1, 0, 0, 0])])]);
        Assert.Equal([a, b], vectors.Search([1, 0, 0, 0], .., 10, []).Select(match => match.Source));
    }

    private static SourceKey Key(int n) => new("document", new Guid(n, 0, 0, new byte[8]));
}
