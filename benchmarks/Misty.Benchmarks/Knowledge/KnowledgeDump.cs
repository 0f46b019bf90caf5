using System.Globalization;
using Misty.Grains.Knowledge;
using Npgsql;

namespace Misty.Benchmarks.Knowledge;

/// <summary>
/// Writes what ranking experiments need without re-embedding (the --dump option): every chunk's vector, and every
/// question's vector, relevant document and keyword ranking, as tab-separated text.
/// </summary>
internal static class KnowledgeDump
{
    public static async Task WriteAsync(string directory, NpgsqlDataSource database, KnowledgeIndex index,
        IReadOnlyList<(string Set, LabelledQuestion Question)> questions, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await using (var chunks = new StreamWriter(Path.Combine(directory, "chunks.tsv")))
        {
            await using var command = database.CreateCommand("SELECT source_kind, source_id, chunk_no, embedding, title, content FROM knowledge_chunks ORDER BY 1, 2, 3");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                await chunks.WriteLineAsync(
                    $"{reader.GetString(0)}\t{reader.GetGuid(1)}\t{reader.GetInt32(2)}\t{Vector(reader.GetFieldValue<float[]>(3))}\t{Flat(reader.GetString(4))}\t{Flat(reader.GetString(5))}");
            }
        }

        // Each item's title alone, embedded as a passage.
        await using (var titles = new StreamWriter(Path.Combine(directory, "titles.tsv")))
        {
            var items = new List<(string Kind, Guid Id, string Title)>();
            await using (var command = database.CreateCommand("SELECT DISTINCT source_kind, source_id, title FROM knowledge_chunks ORDER BY 1, 2"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    items.Add((reader.GetString(0), reader.GetGuid(1), reader.GetString(2)));
                }
            }

            var embedded = index.Embedder.Embed(items.Select(item => item.Title).ToList());
            for (var i = 0; i < items.Count; i++)
            {
                await titles.WriteLineAsync($"{items[i].Kind}\t{items[i].Id}\t{Vector(embedded[i])}\t{Flat(items[i].Title)}");
            }
        }

        var vectors = questions.Select(item => index.Embedder.EmbedQuery(item.Question.Question)).ToList();
        await using var output = new StreamWriter(Path.Combine(directory, "questions.tsv"));
        for (var i = 0; i < questions.Count; i++)
        {
            var (set, question) = questions[i];
            var line = new List<string> { set, question.DocumentId.ToString(), question.Question, Vector(vectors[i]) };
            // The keyword ranking over all kinds, then over each kind alone, with ts_rank_cd's scores.
            foreach (var kinds in new[] { Array.Empty<string>() }.Concat(Misty.Grains.Interfaces.Knowledge.KnowledgeKinds.All.Select(kind => new[] { kind })))
            {
                var keyword = await index.Store.KeywordSearchAsync(SearchQuery.Plain(question.Question), HybridSearch.Depth, kinds, cancellationToken);
                line.Add(string.Join(' ', keyword.Select(hit => string.Create(CultureInfo.InvariantCulture, $"{hit.Source.Kind}:{hit.Source.Id}:{hit.ChunkNo}:{hit.Rank:R}"))));
            }

            await output.WriteLineAsync(string.Join('\t', line));
        }
    }

    private static string Flat(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ');

    private static string Vector(float[] vector) => string.Join(' ', vector.Select(value => value.ToString("R", CultureInfo.InvariantCulture)));
}
