using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Knowledge;

/// <summary>An item's text as read for indexing; a removed item has its chunks deleted.</summary>
public sealed record PendingSource(SourceKey Source, DateTime UpdatedAt, bool Removed, string Title, string Body);

/// <summary>A chunk ready to store: its passage and vector.</summary>
public sealed record EmbeddedChunk(int ChunkNo, string Content, float[] Vector);

/// <summary>A chunk's stored text.</summary>
public sealed record ChunkText(string Title, string Content);

/// <summary>The relational side of the knowledge index: chunks with their tsvector and vector, and the sources ledger.</summary>
public sealed class KnowledgeStore(NpgsqlDataSource database)
{
    public NpgsqlDataSource Database => database;

    /// <summary>Items of <paramref name="kind"/> whose chunks are missing or older than the item.</summary>
    public async Task<IReadOnlyList<PendingSource>> PendingAsync(string kind, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(KnowledgeSql.PendingFor(kind));
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pending = new List<PendingSource>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(new PendingSource(new SourceKey(kind, reader.GetGuid(0)), reader.GetDateTime(1), reader.GetBoolean(2),
                reader.IsDBNull(3) ? "" : reader.GetString(3), reader.IsDBNull(4) ? "" : reader.GetString(4)));
        }

        return pending;
    }

    /// <summary>Replaces the item's chunks and moves its ledger row on, in the caller's transaction; returns the change number.</summary>
    public static async Task<long> WriteAsync(
        NpgsqlConnection connection, PendingSource source, IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var ledger = new NpgsqlBatchCommand("""
            INSERT INTO knowledge_sources (source_kind, source_id, source_updated_at, removed, change_no)
            VALUES (@kind, @id, @updated, @removed, nextval('knowledge_change_no'))
            ON CONFLICT (source_kind, source_id) DO UPDATE
            SET source_updated_at = excluded.source_updated_at, removed = excluded.removed,
                change_no = excluded.change_no, changed_at = clock_timestamp()
            RETURNING change_no
            """);
        ledger.Parameters.AddWithValue("kind", source.Source.Kind);
        ledger.Parameters.AddWithValue("id", source.Source.Id);
        ledger.Parameters.AddWithValue("updated", NpgsqlDbType.TimestampTz, DateTime.SpecifyKind(source.UpdatedAt, DateTimeKind.Utc));
        ledger.Parameters.AddWithValue("removed", source.Removed);
        batch.BatchCommands.Add(ledger);
        var delete = new NpgsqlBatchCommand("DELETE FROM knowledge_chunks WHERE source_kind = @kind AND source_id = @id");
        delete.Parameters.AddWithValue("kind", source.Source.Kind);
        delete.Parameters.AddWithValue("id", source.Source.Id);
        batch.BatchCommands.Add(delete);
        foreach (var chunk in source.Removed ? [] : chunks)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO knowledge_chunks (source_kind, source_id, chunk_no, title, content, embedding)
                VALUES (@kind, @id, @no, @title, @content, @embedding)
                """);
            insert.Parameters.AddWithValue("kind", source.Source.Kind);
            insert.Parameters.AddWithValue("id", source.Source.Id);
            insert.Parameters.AddWithValue("no", chunk.ChunkNo);
            insert.Parameters.AddWithValue("title", source.Title);
            insert.Parameters.AddWithValue("content", chunk.Content);
            insert.Parameters.AddWithValue("embedding", NpgsqlDbType.Array | NpgsqlDbType.Real, chunk.Vector);
            batch.BatchCommands.Add(insert);
        }

        return (long)(await batch.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Items ranked by keywords (ts_rank_cd of their best chunk), best first.</summary>
    public async Task<IReadOnlyList<(SourceKey Source, int ChunkNo, float Rank)>> KeywordSearchAsync(
        SearchQuery query, int take, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT * FROM ({KnowledgeSql.Keyword}) best ORDER BY rank DESC LIMIT @limit");
        command.Parameters.AddWithValue("query", query.Text);
        AddConstraints(command, query);
        command.Parameters.AddWithValue("kinds", kinds.ToArray());
        command.Parameters.AddWithValue("limit", take);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<(SourceKey, int, float)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add((new SourceKey(reader.GetString(0), reader.GetGuid(1)), reader.GetInt32(2), reader.GetFloat(3)));
        }

        return hits;
    }

    /// <summary>Those of <paramref name="sources"/> that satisfy the search's operators (<see cref="SearchSyntax"/>).</summary>
    public async Task<IReadOnlySet<SourceKey>> SatisfyingAsync(IReadOnlyCollection<SourceKey> sources, SearchQuery query, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(KnowledgeSql.Satisfying);
        command.Parameters.AddWithValue("kinds", sources.Select(source => source.Kind).ToArray());
        command.Parameters.AddWithValue("ids", sources.Select(source => source.Id).ToArray());
        AddConstraints(command, query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var satisfying = new HashSet<SourceKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            satisfying.Add(new SourceKey(reader.GetString(0), reader.GetGuid(1)));
        }

        return satisfying;
    }

    private static void AddConstraints(NpgsqlCommand command, SearchQuery query)
    {
        command.Parameters.AddWithValue("required", query.Required);
        command.Parameters.AddWithValue("excluded", query.Excluded);
    }

    /// <summary>The text of the given chunks.</summary>
    public async Task<IReadOnlyDictionary<(SourceKey, int), ChunkText>> ReadChunksAsync(
        IReadOnlyCollection<(SourceKey Source, int ChunkNo)> chunks, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT c.source_kind, c.source_id, c.chunk_no, c.title, c.content
            FROM knowledge_chunks c
            JOIN unnest(@kinds, @ids, @nos) AS k(kind, id, no) ON c.source_kind = k.kind AND c.source_id = k.id AND c.chunk_no = k.no
            """);
        command.Parameters.AddWithValue("kinds", chunks.Select(chunk => chunk.Source.Kind).ToArray());
        command.Parameters.AddWithValue("ids", chunks.Select(chunk => chunk.Source.Id).ToArray());
        command.Parameters.AddWithValue("nos", chunks.Select(chunk => chunk.ChunkNo).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var texts = new Dictionary<(SourceKey, int), ChunkText>();
        while (await reader.ReadAsync(cancellationToken))
        {
            texts[(new SourceKey(reader.GetString(0), reader.GetGuid(1)), reader.GetInt32(2))] = new ChunkText(reader.GetString(3), reader.GetString(4));
        }

        return texts;
    }

    /// <summary>Every passage of the given items, in order, to pick answering sentences from.</summary>
    public async Task<IReadOnlyList<(SourceKey Source, int ChunkNo, ChunkText Text)>> ReadPassagesAsync(
        IReadOnlyCollection<SourceKey> sources, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT c.source_kind, c.source_id, c.chunk_no, c.title, c.content
            FROM knowledge_chunks c
            JOIN unnest(@kinds, @ids) AS k(kind, id) ON c.source_kind = k.kind AND c.source_id = k.id
            WHERE c.chunk_no > 0 OR NOT EXISTS (
                SELECT 1 FROM knowledge_chunks o WHERE o.source_kind = c.source_kind AND o.source_id = c.source_id AND o.chunk_no > 0)
            ORDER BY c.source_kind, c.source_id, c.chunk_no
            """);
        command.Parameters.AddWithValue("kinds", sources.Select(source => source.Kind).ToArray());
        command.Parameters.AddWithValue("ids", sources.Select(source => source.Id).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var passages = new List<(SourceKey, int, ChunkText)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            passages.Add((new SourceKey(reader.GetString(0), reader.GetGuid(1)), reader.GetInt32(2), new ChunkText(reader.GetString(3), reader.GetString(4))));
        }

        return passages;
    }

    /// <summary>
    /// The ledger's rows changed since <paramref name="since"/>, and a little earlier, since transactions commit out of
    /// order: without vectors, so that a node polling every few seconds reads vectors only of what it does not hold.
    /// </summary>
    public async Task<IReadOnlyList<(SourceKey Source, long ChangeNo, DateTime ChangedAt)>> ChangedSinceAsync(DateTime since, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT source_kind, source_id, change_no, changed_at FROM knowledge_sources WHERE changed_at > @since::timestamptz - interval '30 seconds'");
        command.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, DateTime.SpecifyKind(since, DateTimeKind.Utc));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(SourceKey, long, DateTime)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((new SourceKey(reader.GetString(0), reader.GetGuid(1)), reader.GetInt64(2), reader.GetDateTime(3)));
        }

        return rows;
    }

    /// <summary>
    /// The items' current vectors with their ledger rows (every item when <paramref name="sources"/> is null), for a node
    /// to bring its in-memory store up to date. An item's ledger row and chunks are written in one transaction, so one
    /// statement reads them consistently.
    /// </summary>
    public async IAsyncEnumerable<(SourceKey Source, long ChangeNo, DateTime ChangedAt, IReadOnlyList<ChunkVector> Chunks)> VectorsAsync(
        IReadOnlyList<SourceKey>? sources, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT s.source_kind, s.source_id, s.change_no, s.changed_at, c.chunk_no, c.embedding
            FROM knowledge_sources s
            LEFT JOIN knowledge_chunks c ON c.source_kind = s.source_kind AND c.source_id = s.source_id
            WHERE @ids::uuid[] IS NULL OR (s.source_kind, s.source_id) IN (SELECT * FROM unnest(@kinds::varchar[], @ids::uuid[]))
            ORDER BY s.source_kind, s.source_id
            """);
        command.Parameters.AddWithValue("kinds", NpgsqlDbType.Array | NpgsqlDbType.Varchar, sources is null ? DBNull.Value : sources.Select(source => source.Kind).ToArray());
        command.Parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, sources is null ? DBNull.Value : sources.Select(source => source.Id).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        SourceKey? current = null;
        long changeNo = 0;
        DateTime changedAt = default;
        var chunks = new List<ChunkVector>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var source = new SourceKey(reader.GetString(0), reader.GetGuid(1));
            if (current is { } previous && previous != source)
            {
                yield return (previous, changeNo, changedAt, chunks);
                chunks = [];
            }

            (current, changeNo, changedAt) = (source, reader.GetInt64(2), reader.GetDateTime(3));
            if (!reader.IsDBNull(4))
            {
                chunks.Add(new ChunkVector(source, reader.GetInt32(4), reader.GetFieldValue<float[]>(5)));
            }
        }

        if (current is { } last)
        {
            yield return (last, changeNo, changedAt, chunks);
        }
    }
}
