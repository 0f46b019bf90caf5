using Misty.Grains.Agents;
using Misty.Grains.Interfaces.Agents;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Orleans.Runtime;

namespace Misty.Tests.Agents;

[Collection(PostgresCollection.Name)]
public sealed class AgentActionGrainTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_approval_that_was_not_stored_is_never_answered_as_decided_and_after_the_reload_one_approval_wins()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var database = MistyDatabase.CreateDataSource(connectionString);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString);
        var now = DateTimeOffset.UtcNow;
        var action = cluster.Client.GetGrain<IAgentActionGrain>(Guid.NewGuid());
        await action.CreateAsync(new AgentActionDraft(Guid.NewGuid(), "stock bot", "adjust_stock", "{}", "held", now, now.AddHours(1)));

        // Someone else stores the action's row meanwhile (unchanged, at the next version): the grain's next write fails.
        var storage = cluster.Storage();
        var grainId = action.GetGrainId();
        var row = new GrainState<AgentActionState>();
        await storage.ReadStateAsync(AgentActionGrain.StateName, grainId, row);
        await storage.WriteStateAsync(AgentActionGrain.StateName, grainId, row);

        await Assert.ThrowsAnyAsync<Exception>(() => action.ApproveAsync("first manager", now));
        // Until the grain has reloaded it answers nothing; then the action is pending, as stored.
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
        {
            try
            {
                return (await action.GetAsync(now))?.Status == AgentActionStatus.Pending;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }));
        var outcomes = await Task.WhenAll(action.ApproveAsync("second manager", now), action.ApproveAsync("third manager", now));
        Assert.Single(outcomes, outcome => outcome.Result == AgentDecisionResult.Accepted);
        Assert.Single(outcomes, outcome => outcome.Result == AgentDecisionResult.AlreadyDecided);
        Assert.Equal(AgentActionStatus.Approved, (await action.GetAsync(now))!.Status);
    }
}
