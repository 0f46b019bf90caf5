using System.CommandLine;
using System.Diagnostics;
using Misty.Grains.Knowledge;
using Misty.Persistence;

namespace Misty.Silo.Commands;

/// <summary>
/// Rebuilds the knowledge index from the current documents, albums, resolved cases and reviews. Running nodes need no
/// restart: they follow the sources ledger and load the new vectors within seconds.
/// </summary>
internal static class ReindexCommand
{
    public static Command Create()
    {
        return DatabaseCommand.Create("reindex", "Re-embeds and re-indexes every knowledge item (documents, albums, resolved cases, reviews); running nodes pick the new index up by themselves.", async (_, connectionString, cancellationToken) =>
        {
            await using var database = MistyDatabase.CreateDataSource(connectionString);
            using var embedder = EmbedderEnsemble.CreateDefault();
            // Nothing is searched here, so the vectors need not be held: a store of capacity 0 keeps none.
            var index = new KnowledgeIndex(new KnowledgeStore(database), embedder, new InMemoryVectorStore(embedder.Dimensions, 0));
            var clock = Stopwatch.StartNew();
            await index.MarkAllStaleAsync(cancellationToken);
            var (items, chunks) = await index.CatchUpAsync(new KnowledgeOptions().BatchSize, cancellationToken);
            Console.WriteLine($"Re-indexed {items} item(s) in {chunks} chunk(s) in {clock.Elapsed.TotalSeconds:N1} s.");
            return 0;
        });
    }
}
