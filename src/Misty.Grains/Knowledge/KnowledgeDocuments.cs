using Misty.Grains.Interfaces.Knowledge;
using Npgsql;

namespace Misty.Grains.Knowledge;

/// <summary>A staff document (FAQ, policy, guide or note).</summary>
public sealed record KnowledgeDocument(Guid DocumentId, string Title, string Body, string Kind, IReadOnlyList<string> Tags, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// Staff documents: every write stores the row and its embedded chunks in one transaction and updates this node's
/// vectors before it returns, so a document is searchable as soon as its write is answered; the other nodes follow
/// on its notice.
/// </summary>
public sealed class KnowledgeDocuments(KnowledgeIndex index, KnowledgeNotices notices)
{
    private const string Columns = "document_id, title, body, kind, tags, created_at, updated_at";

    public async Task<KnowledgeDocument> CreateAsync(string title, string body, string kind, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        return (await WriteAsync(id, title, body, kind, tags, $"""
            INSERT INTO knowledge_documents (document_id, title, body, kind, tags) VALUES (@id, @title, @body, @kind, @tags)
            RETURNING {Columns}
            """, cancellationToken))!;
    }

    /// <summary>Null when there is no such document.</summary>
    public Task<KnowledgeDocument?> UpdateAsync(Guid id, string title, string body, string kind, IReadOnlyList<string> tags, CancellationToken cancellationToken) =>
        WriteAsync(id, title, body, kind, tags, $"""
            UPDATE knowledge_documents SET title = @title, body = @body, kind = @kind, tags = @tags WHERE document_id = @id
            RETURNING {Columns}
            """, cancellationToken);

    public async Task<KnowledgeDocument?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = index.Store.Database.CreateCommand($"SELECT {Columns} FROM knowledge_documents WHERE document_id = @id");
        command.Parameters.AddWithValue("id", id);
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>Deletes the document and its chunks; false when there was none.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await index.Store.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM knowledge_documents WHERE document_id = @id RETURNING now()", connection);
        command.Parameters.AddWithValue("id", id);
        if (await command.ExecuteScalarAsync(cancellationToken) is not DateTime deletedAt)
        {
            return false;
        }

        var source = new PendingSource(new SourceKey("document", id), deletedAt, Removed: true, "", "");
        var written = await KnowledgeIndex.WriteAsync(connection, [(source, [])], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        index.Apply(written);
        await notices.ChangedAsync(KnowledgeKinds.Document, id);
        return true;
    }

    private async Task<KnowledgeDocument?> WriteAsync(
        Guid id, string title, string body, string kind, IReadOnlyList<string> tags, string sql, CancellationToken cancellationToken)
    {
        // Embedded before the transaction opens: the model's time holds no locks.
        var embedded = index.Embed([new PendingSource(new SourceKey("document", id), default, false, title, body)]);
        await using var connection = await index.Store.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("title", title);
        command.Parameters.AddWithValue("body", body);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("tags", tags.ToArray());
        var document = await ReadOneAsync(command, cancellationToken);
        if (document is null)
        {
            return null;
        }

        var source = embedded[0].Source with { UpdatedAt = document.UpdatedAt };
        var written = await KnowledgeIndex.WriteAsync(connection, [(source, embedded[0].Chunks)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        index.Apply(written);
        await notices.ChangedAsync(KnowledgeKinds.Document, id);
        return document;
    }

    private static async Task<KnowledgeDocument?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new KnowledgeDocument(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<string[]>(4), reader.GetDateTime(5), reader.GetDateTime(6))
            : null;
    }
}
