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

        var hits = await store.KeywordSearchAsync("record refund", 100, [], CancellationToken.None);
        Assert.Equal(refunds, Assert.Single(hits).Source);
        // Only common terms: the rarest is kept rather than none.
        Assert.Equal(61, (await store.KeywordSearchAsync("record", 100, [], CancellationToken.None)).Count);
        // Quotes and backslashes in the question reach the query as words, not as syntax.
        Assert.Equal(refunds, Assert.Single(await store.KeywordSearchAsync("it's a \\ refund 'record'", 100, [], CancellationToken.None)).Source);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, SourceKey source, string title, string body) =>
        await KnowledgeStore.WriteAsync(connection, new PendingSource(source, DateTime.UtcNow, false, title, body),
            [new EmbeddedChunk(1, body, new float[384])], CancellationToken.None);
}
