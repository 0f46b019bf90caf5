using Misty.Grains.Interfaces;

namespace Misty.Seeding;

/// <summary>A staff document of the demo data; its id derives from its key, so the evaluation set can name it.</summary>
public sealed record SeedDocument(string Key, string Kind, string Title, string Body, string[] Tags)
{
    public Guid DocumentId => IdOf(Key);

    public static Guid IdOf(string key) => StableIds.From("knowledge-document:" + key);
}

/// <summary>The knowledge_documents rows the seeder writes.</summary>
internal sealed record KnowledgeDocumentRow(SeedDocument Document, DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new("knowledge_documents", "document_id", "title", "body", "kind", "tags", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(Document.DocumentId);
        await writer.Text(Document.Title);
        await writer.Text(Document.Body);
        await writer.Text(Document.Kind);
        await writer.TextArray(Document.Tags);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}
