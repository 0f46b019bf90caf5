using Misty.Grains.Knowledge;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Knowledge;

[Collection(PostgresCollection.Name)]
public sealed class KeywordSearchTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Terms_in_most_chunks_leave_the_keyword_query_unless_no_other_term_is_left()
    {
        await using var database = MistyDatabase.CreateDataSource(await postgres.CreateDatabaseAsync());
        var store = new KnowledgeStore(database);
        var refunds = new SourceKey("document", Guid.NewGuid());
        await using (var connection = await database.OpenConnectionAsync())
        {
            for (var i = 0; i < 60; i++)
            {
                await WriteAsync(connection, new SourceKey("album", Guid.NewGuid()), $"Album {i}", "An LP record in very good condition.");
            }

            await WriteAsync(connection, refunds, "When refunds are paid", "A returned record is refunded within five days, with the postage.");
        }

        await using (var analyze = database.CreateCommand("ANALYZE knowledge_chunks"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var hits = await store.KeywordSearchAsync(SearchQuery.Plain("record refund"), 100, [], CancellationToken.None);
        Assert.Equal(refunds, Assert.Single(hits).Source);
        // Only common terms: the rarest is kept rather than none.
        Assert.Equal(61, (await store.KeywordSearchAsync(SearchQuery.Plain("record"), 100, [], CancellationToken.None)).Count);
        // Quotes and backslashes in the question reach the query as words, not as syntax.
        Assert.Equal(refunds, Assert.Single(await store.KeywordSearchAsync(SearchQuery.Plain("it's a \\ refund 'record'"), 100, [], CancellationToken.None)).Source);
    }

    [Fact]
    public async Task Sentence_windows_have_no_keywords_so_only_their_passage_matches()
    {
        await using var database = MistyDatabase.CreateDataSource(await postgres.CreateDatabaseAsync());
        var store = new KnowledgeStore(database);
        var returns = new SourceKey("document", Guid.NewGuid());
        const string Title = "Returns";
        const string Body = "A returned record is refunded within five days. The postage is refunded too.";
        var chunks = TextChunker.Chunk(Title, Body, sentenceWindows: true);
        Assert.Contains(chunks, chunk => chunk.Number < 0);
        await using (var connection = await database.OpenConnectionAsync())
        {
            await KnowledgeStore.WriteAsync(connection, new PendingSource(returns, DateTime.UtcNow, false, Title, Body),
                chunks.Select(chunk => new EmbeddedChunk(chunk.Number, chunk.Content, new float[384])).ToList(), CancellationToken.None);
        }

        await using (var command = database.CreateCommand(
            "SELECT chunk_no, search_vector IS NULL FROM knowledge_chunks WHERE source_id = @id ORDER BY chunk_no"))
        {
            command.Parameters.AddWithValue("id", returns.Id);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(int ChunkNo, bool NoKeywords)>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt32(0), reader.GetBoolean(1)));
            }

            Assert.Equal(chunks.Select(chunk => chunk.Number).Order(), rows.Select(row => row.ChunkNo));
            Assert.All(rows, row => Assert.Equal(row.ChunkNo < 0, row.NoKeywords));
        }

        var hit = Assert.Single(await store.KeywordSearchAsync(SearchQuery.Plain("postage refund"), 100, [], CancellationToken.None));
        Assert.Equal(returns, hit.Source);
        Assert.True(hit.ChunkNo >= 0);
    }

    [Fact]
    public async Task Quoted_phrases_must_appear_in_a_passage_and_minus_terms_in_none_of_an_items()
    {
        await using var database = MistyDatabase.CreateDataSource(await postgres.CreateDatabaseAsync());
        var store = new KnowledgeStore(database);
        var (phrase, apart, promo) = (new SourceKey("document", Guid.NewGuid()), new SourceKey("document", Guid.NewGuid()), new SourceKey("album", Guid.NewGuid()));
        await using (var connection = await database.OpenConnectionAsync())
        {
            await WriteAsync(connection, phrase, "Test pressings", "A test pressing is an early disc the band approves.");
            await WriteAsync(connection, apart, "Checking stock", "We test each new pressing for warps before it goes out.");
            await KnowledgeStore.WriteAsync(connection, new PendingSource(promo, DateTime.UtcNow, false, "Promo copy", "A pressing sent out early."),
                [new EmbeddedChunk(1, "A pressing sent out early.", new float[384]), new EmbeddedChunk(2, "Stamped as a white label promo.", new float[384])],
                CancellationToken.None);
        }

        // Both words match the second document, but not side by side.
        var hits = await store.KeywordSearchAsync(SearchSyntax.Parse("\"test pressing\" early"), 100, [], CancellationToken.None);
        Assert.Equal(phrase, Assert.Single(hits).Source);

        SourceKey[] all = [phrase, apart, promo];
        // The excluded word is in the album's second passage, not in the one that matches.
        Assert.True((await store.SatisfyingAsync(all, SearchSyntax.Parse("pressing -promo"), CancellationToken.None)).SetEquals([phrase, apart]));
        Assert.Equal(phrase, Assert.Single(await store.SatisfyingAsync(all, SearchSyntax.Parse("\"tested pressings\" -\"white label\""), CancellationToken.None)));
        // A phrase of stop words alone constrains nothing.
        Assert.Equal(3, (await store.SatisfyingAsync(all, SearchSyntax.Parse("\"the\" pressing"), CancellationToken.None)).Count);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, SourceKey source, string title, string body) =>
        await KnowledgeStore.WriteAsync(connection, new PendingSource(source, DateTime.UtcNow, false, title, body),
            [new EmbeddedChunk(1, body, new float[384])], CancellationToken.None);
}
