using System.Collections.Concurrent;
using Npgsql;

namespace Misty.Grains.Knowledge;

/// <summary>
/// Keeps the chunk table and this node's vectors in step: embeds and stores items (documents synchronously, the rest
/// from the background queue), and follows the sources ledger so that changes written by other nodes reach this
/// node's vectors too.
/// </summary>
public sealed class KnowledgeIndex(KnowledgeStore store, ITextEmbedder embedder, IVectorStore vectors)
{
    private readonly ConcurrentDictionary<SourceKey, long> _applied = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTime? _followedUntil;
    private int _mismatched;

    /// <summary>Completes once this node's vectors hold everything stored when it started.</summary>
    public Task Loaded => _loaded.Task;

    public KnowledgeStore Store => store;

    public ITextEmbedder Embedder => embedder;

    public IVectorStore Vectors => vectors;

    /// <summary>
    /// Chunks and embeds the items (one batch through the model), outside any transaction. Only staff documents get
    /// sentence windows, the kind they were chosen for (a question about one sentence among confusable documents);
    /// the many albums, reviews and cases would multiply the chunks to embed and hold.
    /// </summary>
    public IReadOnlyList<(PendingSource Source, IReadOnlyList<EmbeddedChunk> Chunks)> Embed(IReadOnlyList<PendingSource> sources)
    {
        var chunked = sources.Select(source => (source, chunks: source.Removed
            ? []
            : TextChunker.Chunk(source.Title, source.Body, sentenceWindows: source.Source.Kind == Interfaces.Knowledge.KnowledgeKinds.Document))).ToList();
        var embedded = embedder.Embed(chunked.SelectMany(item => item.chunks).Select(chunk => chunk.EmbeddingText).ToList());
        var next = 0;
        return chunked.Select(item => (item.source, (IReadOnlyList<EmbeddedChunk>)item.chunks
            .Select(chunk => new EmbeddedChunk(chunk.Number, chunk.Content, embedded[next++])).ToList())).ToList();
    }

    /// <summary>Stores embedded items in the caller's transaction; call <see cref="Apply"/> with the answer after it commits.</summary>
    public static async Task<IReadOnlyList<(SourceKey Source, long ChangeNo, IReadOnlyList<ChunkVector> Chunks)>> WriteAsync(
        NpgsqlConnection connection, IReadOnlyList<(PendingSource Source, IReadOnlyList<EmbeddedChunk> Chunks)> items, CancellationToken cancellationToken)
    {
        var written = new List<(SourceKey, long, IReadOnlyList<ChunkVector>)>(items.Count);
        foreach (var (source, chunks) in items)
        {
            var changeNo = await KnowledgeStore.WriteAsync(connection, source, chunks, cancellationToken);
            written.Add((source.Source, changeNo, chunks.Select(chunk => new ChunkVector(source.Source, chunk.ChunkNo, chunk.Vector)).ToList()));
        }

        return written;
    }

    /// <summary>Embeds and stores the items in one transaction, then makes them searchable on this node.</summary>
    public async Task<int> IndexAsync(IReadOnlyList<PendingSource> sources, CancellationToken cancellationToken)
    {
        var embedded = Embed(sources);
        await using var connection = await store.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await WriteAsync(connection, embedded, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Apply(written);
        return embedded.Sum(item => item.Chunks.Count);
    }

    /// <summary>
    /// Indexes every item whose chunks are missing or stale, in batches of <paramref name="batchSize"/>, until none is
    /// left; returns the items and chunks written. The first run over a new database is the full indexing.
    /// </summary>
    public async Task<(int Items, int Chunks)> CatchUpAsync(int batchSize, CancellationToken cancellationToken)
    {
        var (items, chunks) = (0, 0);
        foreach (var kind in Interfaces.Knowledge.KnowledgeKinds.All)
        {
            while (await store.PendingAsync(kind, batchSize, cancellationToken) is { Count: > 0 } pending)
            {
                chunks += await IndexAsync(pending, cancellationToken);
                items += pending.Count;
            }
        }

        return (items, chunks);
    }

    /// <summary>Marks every indexed item stale, so that the next catch-up rebuilds the whole index (the reindex verb).</summary>
    public async Task MarkAllStaleAsync(CancellationToken cancellationToken)
    {
        await using var command = store.Database.CreateCommand("UPDATE knowledge_sources SET source_updated_at = '-infinity' WHERE NOT removed");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Items whose stored vectors were not of this node's models (a length other than theirs), since start.</summary>
    public int Mismatched => _mismatched;

    /// <summary>
    /// Puts committed changes into this node's vectors, skipping any older than what it already holds. Vectors of
    /// another length, stored by other models before an upgrade, are left out (the item is found by its words alone)
    /// until <c>reindex</c> replaces them.
    /// </summary>
    public void Apply(IEnumerable<(SourceKey Source, long ChangeNo, IReadOnlyList<ChunkVector> Chunks)> changes)
    {
        foreach (var (source, changeNo, chunks) in changes)
        {
            var newer = true;
            _applied.AddOrUpdate(source, changeNo, (_, held) =>
            {
                newer = changeNo > held;
                return Math.Max(changeNo, held);
            });
            if (newer && chunks.Any(chunk => chunk.Vector.Length != embedder.Dimensions))
            {
                Interlocked.Increment(ref _mismatched);
                vectors.Replace(source, []);
            }
            else if (newer)
            {
                vectors.Replace(source, chunks);
            }
        }
    }

    public void MarkLoaded() => _loaded.TrySetResult();

    /// <summary>
    /// Reads the ledger's changes since the last call (everything the first time) into this node's vectors, reading
    /// vectors only of items newer than the ones it holds. Its mark moves past every row it saw, its own writes
    /// included, so the span it reads stays the ledger's overlap.
    /// </summary>
    /// <returns>The items whose vectors were read.</returns>
    public async Task<int> FollowAsync(CancellationToken cancellationToken)
    {
        var latest = _followedUntil;
        IReadOnlyList<SourceKey>? wanted = null;
        if (_followedUntil is { } since)
        {
            var ledger = await store.ChangedSinceAsync(since, cancellationToken);
            latest = ledger.Select(row => row.ChangedAt).Append(since).Max();
            wanted = [.. ledger.Where(row => !_applied.TryGetValue(row.Source, out var held) || row.ChangeNo > held).Select(row => row.Source)];
            if (wanted.Count == 0)
            {
                _followedUntil = latest;
                return 0;
            }
        }

        var count = 0;
        await foreach (var change in store.VectorsAsync(wanted, cancellationToken))
        {
            Apply([(change.Source, change.ChangeNo, change.Chunks)]);
            latest = latest is { } seen && seen > change.ChangedAt ? seen : change.ChangedAt;
            count++;
        }

        _followedUntil = latest;
        return count;
    }
}
