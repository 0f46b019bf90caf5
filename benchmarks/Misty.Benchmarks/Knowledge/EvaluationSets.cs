using Misty.Seeding;
using Npgsql;

namespace Misty.Benchmarks.Knowledge;

/// <summary>A labelled question: the id of the one relevant staff document, and the question.</summary>
internal sealed record LabelledQuestion(Guid DocumentId, string Question);

/// <summary>
/// The evaluation sets: the development set over the demo data's documents (questions.tsv; the ranking settings were
/// chosen on it), and six held-out sets over documents written for them (heldout-documents.tsv with
/// heldout-questions.tsv, heldout2-documents.tsv with heldout2-questions.tsv, written before the third round's
/// changes; heldout3 to heldout6, written by helpers that never saw the ranking, the fourth's to sixth's questions
/// sharing as few words with their documents as their writers could manage).
/// </summary>
internal static class EvaluationSets
{
    public static IReadOnlyList<LabelledQuestion> Development() => Questions("questions.tsv", SeedDocument.IdOf);

    public static IReadOnlyList<LabelledQuestion> HeldOut() => Questions("heldout-questions.tsv", HeldOutId);

    public static IReadOnlyList<LabelledQuestion> HeldOut2() => Questions("heldout2-questions.tsv", HeldOutId);

    public static IReadOnlyList<LabelledQuestion> HeldOut3() => Questions("heldout3-questions.tsv", HeldOutId);

    public static IReadOnlyList<LabelledQuestion> HeldOut4() => Questions("heldout4-questions.tsv", HeldOutId);

    public static IReadOnlyList<LabelledQuestion> HeldOut5() => Questions("heldout5-questions.tsv", HeldOutId);

    public static IReadOnlyList<LabelledQuestion> HeldOut6() => Questions("heldout6-questions.tsv", HeldOutId);

    /// <summary>The documents of the held-out sets (their keys do not collide).</summary>
    public static IReadOnlyList<SeedDocument> HeldOutDocuments() =>
        new[] { "heldout-documents.tsv", "heldout2-documents.tsv", "heldout3-documents.tsv", "heldout4-documents.tsv", "heldout5-documents.tsv", "heldout6-documents.tsv" }.SelectMany(Lines).Select(line => line.Split('\t'))
            .Select(parts => new SeedDocument(parts[0], parts[1], parts[2], parts[3], []))
            .ToList();

    /// <summary>Every staff document the benchmark indexes (demo and held-out), as BM25's collection.</summary>
    public static IEnumerable<(Guid Id, string Text)> AllDocuments() =>
        DemoKnowledgeDocuments.All.Select(document => (document.DocumentId, $"{document.Title} {document.Body}"))
            .Concat(HeldOutDocuments().Select(document => (HeldOutId(document.Key), $"{document.Title} {document.Body}")));

    /// <summary>Writes the held-out documents beside the demo data's, before the first indexing.</summary>
    public static async Task AddHeldOutDocumentsAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        foreach (var document in HeldOutDocuments())
        {
            await using var command = database.CreateCommand(
                "INSERT INTO knowledge_documents (document_id, title, body, kind, tags) VALUES (@id, @title, @body, @kind, '{}')");
            command.Parameters.AddWithValue("id", HeldOutId(document.Key));
            command.Parameters.AddWithValue("title", document.Title);
            command.Parameters.AddWithValue("body", document.Body);
            command.Parameters.AddWithValue("kind", document.Kind);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static Guid HeldOutId(string key) => SeedDocument.IdOf("heldout:" + key);

    private static List<LabelledQuestion> Questions(string file, Func<string, Guid> idOf) =>
        Lines(file).Select(line => line.Split('\t', 2)).Select(parts => new LabelledQuestion(idOf(parts[0]), parts[1])).ToList();

    private static IEnumerable<string> Lines(string file) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Knowledge", file)).Where(line => line.Length > 0 && !line.StartsWith('#'));
}
