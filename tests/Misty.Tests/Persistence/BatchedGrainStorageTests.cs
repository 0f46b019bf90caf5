using System.Text;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Orleans.Runtime;

namespace Misty.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class BatchedGrainStorageTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("""{"Name":"Zoë"}""", true)]
    [InlineData("""[1,2]""", true)]
    [InlineData("""{"Name":"\u00e9 \uD83D\uDE00"}""", true)]
    [InlineData("""{"Name":"a\u0000b"}""", false)]
    [InlineData("""{"Name":"\uD83D"}""", false)]
    [InlineData("""{"Name":"\uDE00\uD83D"}""", false)]
    [InlineData("""{"Name":"\u12"}""", false)]
    [InlineData("\"text\"", false)]
    [InlineData("", false)]
    public void A_payload_is_mirrored_as_jsonb_only_when_jsonb_takes_it(string payload, bool mirrored) =>
        Assert.Equal(mirrored, BatchedGrainStorage.IsJsonb(Encoding.UTF8.GetBytes(payload)));

    [Fact]
    public async Task A_state_jsonb_cannot_hold_is_stored_and_read_back_with_no_mirror_and_its_batch_stores_the_rest()
    {
        await using var database = MistyDatabase.CreateDataSource(await postgres.CreateDatabaseAsync());
        var storage = new BatchedGrainStorage(database, new JsonStateSerializer(), "batched-test");
        var (plain, withNul, withEmoji) = (NoteId(), NoteId(), NoteId());

        // Written together, so that one flush holds all three.
        await Task.WhenAll(
            storage.WriteStateAsync("note", plain, new GrainState<NoteState>(new NoteState { Text = "Zoë" })),
            storage.WriteStateAsync("note", withNul, new GrainState<NoteState>(new NoteState { Text = "a\0b" })),
            storage.WriteStateAsync("note", withEmoji, new GrainState<NoteState>(new NoteState { Text = "🎶" })));

        foreach (var (grain, text) in new[] { (plain, "Zoë"), (withNul, "a\0b"), (withEmoji, "🎶") })
        {
            var state = new GrainState<NoteState>();
            await storage.ReadStateAsync("note", grain, state);
            Assert.Equal(text, state.State?.Text);
        }

        await using var mirrors = database.CreateCommand(
            "SELECT string_agg(coalesce(payloadjson ->> 'Text', '(none)'), ',' ORDER BY payloadjson ->> 'Text' NULLS FIRST) FROM orleansstorage WHERE graintypestring = 'note'");
        Assert.Equal("(none),Zoë,🎶", await mirrors.ExecuteScalarAsync());

        // Updates mirror the same way.
        var update = new GrainState<NoteState>();
        await storage.ReadStateAsync("note", withNul, update);
        update.State = new NoteState { Text = "fixed" };
        await storage.WriteStateAsync("note", withNul, update);
        await using var updated = database.CreateCommand("SELECT count(*) FROM orleansstorage WHERE graintypestring = 'note' AND payloadjson ->> 'Text' = 'fixed'");
        Assert.Equal(1L, await updated.ExecuteScalarAsync());
    }

    private static GrainId NoteId() => GrainId.Create(GrainType.Create("note"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid()));

    public sealed class NoteState
    {
        public string Text { get; set; } = "";
    }
}
