using Misty.Grains.Interfaces.Knowledge;

namespace Misty.Grains.Knowledge;

/// <summary>
/// Hybrid retrieval: the items nearest the question's embedding by each model of the embedder, and the items matching
/// its words, fused by reciprocal rank. Vector and keyword rankings are also offered alone, for the benchmark's comparison.
/// </summary>
public sealed class HybridSearch(KnowledgeIndex index, KnowledgeOptions options) : IKnowledgeSearch
{
    /// <summary>How deep each ranking is read before fusion.</summary>
    public const int Depth = 50;
    private const int SnippetLength = 320;

    /// <summary>
    /// The kinds whose cosines are taken about their own mean (<see cref="KindMean"/>): staff documents, the kind
    /// questions are mostly about. Chosen on the first two held-out sets and confirmed on a third (docs/benchmarks.md);
    /// the labelled sets have no questions about albums, cases or reviews to choose for them.
    /// </summary>
    public static readonly IReadOnlyList<string> CentredKinds = [KnowledgeKinds.Document];

    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(
        string query, int take, IReadOnlyCollection<string> kinds, QuerySyntax syntax = QuerySyntax.Plain, CancellationToken cancellationToken = default)
    {
        var ranked = await RankAsync(SearchSyntax.Read(query, syntax), take, kinds, RetrievalMode.Hybrid, cancellationToken);
        return (await ReadAsync(ranked, cancellationToken))
            .Select(found => new KnowledgeHit(found.Item.Source.Kind, found.Item.Source.Id, found.Text.Title, Snippet(found.Text.Content), Math.Round(found.Item.Score, 6)))
            .ToList();
    }

    public async Task<IReadOnlyList<KnowledgePassage>> PassagesAsync(string question, int take, CancellationToken cancellationToken = default)
    {
        var ranked = await RankAsync(SearchQuery.Plain(question), take, [], RetrievalMode.Hybrid, cancellationToken);
        return (await ReadAsync(ranked, cancellationToken))
            .Select(found => new KnowledgePassage(found.Item.Source.Kind, found.Item.Source.Id, found.Text.Title, found.Text.Content))
            .ToList();
    }

    public Task<KnowledgeAnswer> AskAsync(string question, CancellationToken cancellationToken = default) =>
        new ExtractiveAnswerer(index, this).AnswerAsync(question, cancellationToken);

    /// <summary>
    /// The best items for the search, by the given mode, each with the chunk that matched best: its words rank the items,
    /// its operators, if any (<see cref="SearchSyntax"/>), then filter them.
    /// </summary>
    public async Task<IReadOnlyList<RankedItem>> RankAsync(
        SearchQuery search, int take, IReadOnlyCollection<string> kinds, RetrievalMode mode, CancellationToken cancellationToken)
    {
        if (search.Text.Length == 0)
        {
            return [];
        }

        await index.Loaded.WaitAsync(cancellationToken);
        // The keyword query runs in PostgreSQL while this thread embeds the question.
        var keywordSearch = mode == RetrievalMode.Vector
            ? Task.FromResult<IReadOnlyList<(SourceKey Source, int ChunkNo, float Rank)>>([])
            : index.Store.KeywordSearchAsync(search, Depth, kinds, cancellationToken);
        IReadOnlyList<IReadOnlyList<VectorMatch>> byVector = [];
        if (mode != RetrievalMode.Keyword)
        {
            var embedding = index.Embedder.EmbedQuery(search.Text);
            // One ranking per model, each scan on its own thread (the scans are most of a search's time over a large
            // index); in each, every kind ranked on its own, then put on one scale (KindCentering).
            byVector = await Task.WhenAll(index.Embedder.Parts.Select(part => Task.Run(() => KindCentering.Rank(
                (kinds.Count > 0 ? kinds : KnowledgeKinds.All).Select(kind => index.Vectors.Search(embedding, part, Depth, [kind])), Depth), cancellationToken)));
        }

        var byKeyword = await keywordSearch;
        var bestChunk = new Dictionary<SourceKey, int>();
        foreach (var hit in byKeyword)
        {
            bestChunk[hit.Source] = hit.ChunkNo;
        }

        // A vector's best chunk wins the snippet: it is the passage closest in meaning (the first model's where several
        // found the item).
        foreach (var match in byVector.Reverse().SelectMany(matches => matches))
        {
            bestChunk[match.Source] = match.ChunkNo;
        }

        var fused = RankFusion.Fuse(
            options.FusionK,
            [.. byVector.Select(matches => ((IReadOnlyList<SourceKey>)[.. matches.Select(match => match.Source)], options.VectorWeight)),
             ([.. byKeyword.Select(hit => hit.Source)], options.KeywordWeight)]);
        if (search.Constrained && fused.Count > 0)
        {
            var satisfying = await index.Store.SatisfyingAsync([.. fused.Select(item => item.Source)], search, cancellationToken);
            fused = [.. fused.Where(item => satisfying.Contains(item.Source))];
        }

        return fused.Take(take).Select(item => new RankedItem(item.Source, bestChunk[item.Source], item.Score)).ToList();
    }

    /// <summary>Each ranked item with the text of its best chunk; an item removed since it was ranked is left out.</summary>
    private async Task<IReadOnlyList<(RankedItem Item, ChunkText Text)>> ReadAsync(IReadOnlyList<RankedItem> ranked, CancellationToken cancellationToken)
    {
        if (ranked.Count == 0)
        {
            return [];
        }

        var texts = await index.Store.ReadChunksAsync(ranked.Select(item => (item.Source, item.ChunkNo)).ToList(), cancellationToken);
        return ranked.Where(item => texts.ContainsKey((item.Source, item.ChunkNo))).Select(item => (item, texts[(item.Source, item.ChunkNo)])).ToList();
    }

    /// <summary>The start of a passage, cut at a word, as results and citations show it.</summary>
    public static string Snippet(string content) =>
        content.Length <= SnippetLength ? content : string.Concat(content.AsSpan(0, content.LastIndexOf(' ', SnippetLength) is > 0 and var cut ? cut : SnippetLength), "…");
}

public enum RetrievalMode
{
    Hybrid,
    Vector,
    Keyword,
}

/// <summary>A ranked item, the chunk that matched it best, and its score in the ranking.</summary>
public sealed record RankedItem(SourceKey Source, int ChunkNo, double Score);
