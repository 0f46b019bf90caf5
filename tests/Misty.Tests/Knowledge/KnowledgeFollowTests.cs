using Misty.Grains.Knowledge;
using Misty.Persistence;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Knowledge;

[Collection(PostgresCollection.Name)]
public sealed class KnowledgeFollowTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_node_reads_the_vectors_of_another_nodes_change_once_and_again_only_when_the_item_changes()
    {
        await using var database = MistyDatabase.CreateDataSource(await postgres.CreateDatabaseAsync());
        var writer = Node(database, out _);
        var reader = Node(database, out var readerVectors);
        var policy = new SourceKey("document", Guid.NewGuid());

        Assert.Equal(0, await reader.FollowAsync(CancellationToken.None));
        await writer.IndexAsync([new PendingSource(policy, DateTime.UtcNow, false, "Warped records", "A warped record is replaced.")], CancellationToken.None);

        Assert.Equal(1, await reader.FollowAsync(CancellationToken.None));
        Assert.Equal(1, readerVectors.Count);
        // Still within the ledger's overlap for commits out of order, but already held: its vectors are not read again.
        Assert.Equal(0, await reader.FollowAsync(CancellationToken.None));

        await writer.IndexAsync([new PendingSource(policy, DateTime.UtcNow, false, "Warped records", "A warped record is replaced. Tell us within 14 days.")], CancellationToken.None);
        Assert.Equal(1, await reader.FollowAsync(CancellationToken.None));
        Assert.Equal(0, await reader.FollowAsync(CancellationToken.None));
        // The writer's first follow reads everything (it had no mark yet); after that, its own writes, which it holds
        // already, are not read back, while the reader still gets them.
        Assert.Equal(1, await writer.FollowAsync(CancellationToken.None));
        await writer.IndexAsync([new PendingSource(policy, DateTime.UtcNow, false, "Warped records", "A warped record is replaced or refunded.")], CancellationToken.None);
        Assert.Equal(0, await writer.FollowAsync(CancellationToken.None));
        Assert.Equal(1, await reader.FollowAsync(CancellationToken.None));
        // A node that starts now loads everything at once.
        Assert.Equal(1, await Node(database, out _).FollowAsync(CancellationToken.None));
    }

    private static KnowledgeIndex Node(Npgsql.NpgsqlDataSource database, out InMemoryVectorStore vectors) =>
        new(new KnowledgeStore(database), new FixedEmbedder(), vectors = new InMemoryVectorStore(dimensions: 4, capacity: 100));
}
