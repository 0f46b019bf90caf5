using System.Globalization;
using System.Text;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Persistence;

/// <summary>The grain storage provider's SQL, as <see cref="OrleansSqlContract"/> executes it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansStorageSqlTests(PostgresFixture postgres) : OrleansSqlContract(postgres)
{
    [Fact]
    public async Task First_write_inserts_version_1_and_a_second_first_write_is_a_conflict()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        var grain = new StorageKey(GrainIdHash: 17, N0: 0, N1: 42, TypeHash: 99, Type: "counter", Extension: null);

        var etag = await WriteAsync(db, q, grain, etag: null, Json("""{"Count":1}"""));
        Assert.Equal("1", etag);
        Assert.False(StorageConflict("1", null));

        var again = await WriteAsync(db, q, grain, etag: null, Json("""{"Count":9}"""));
        Assert.True(StorageConflict(again, null), $"second insert returned '{again}'");

        var (payload, version) = Assert.Single(await ReadStateAsync(db, q, grain));
        Assert.Equal("""{"Count":1}""", Encoding.UTF8.GetString(payload!));
        Assert.Equal(1, version);
    }

    [Fact]
    public async Task Writes_need_the_current_version_and_bump_it()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        var grain = new StorageKey(17, 0, 42, 99, "counter", null);
        await WriteAsync(db, q, grain, null, Json("""{"Count":1}"""));

        var stale = await WriteAsync(db, q, grain, etag: "7", Json("""{"Count":7}"""));
        Assert.True(StorageConflict(stale, "7"), $"stale write returned '{stale}'");

        var next = await WriteAsync(db, q, grain, etag: "1", Json("""{"Count":2}"""));
        Assert.Equal("2", next);

        var replay = await WriteAsync(db, q, grain, etag: "1", Json("""{"Count":3}"""));
        Assert.True(StorageConflict(replay, "1"));

        var (payload, version) = Assert.Single(await ReadStateAsync(db, q, grain));
        Assert.Equal("""{"Count":2}""", Encoding.UTF8.GetString(payload!));
        Assert.Equal(2, version);
    }

    [Fact]
    public async Task Grains_differing_only_in_key_extension_or_state_name_are_separate_rows()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        var plain = new StorageKey(17, 0, 42, 99, "counter", null);

        Assert.Equal("1", await WriteAsync(db, q, plain, null, Json("1")));
        Assert.Equal("1", await WriteAsync(db, q, plain with { Extension = "eu" }, null, Json("2")));
        Assert.Equal("1", await WriteAsync(db, q, plain with { Type = "other", TypeHash = 98 }, null, Json("3")));

        Assert.Equal("1", Encoding.UTF8.GetString(Assert.Single(await ReadStateAsync(db, q, plain)).Payload!));
        Assert.Equal("2", Encoding.UTF8.GetString(Assert.Single(await ReadStateAsync(db, q, plain with { Extension = "eu" })).Payload!));
        Assert.Empty(await ReadStateAsync(db, q, plain with { Extension = "us" }));
    }

    [Fact]
    public async Task Concurrent_first_writes_of_one_grain_leave_one_row_and_one_conflict()
    {
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();
        var q = await LoadQueriesAsync(first);
        var grain = new StorageKey(17, 0, 42, 99, "counter", null);

        await using (var transaction = await first.BeginTransactionAsync())
        {
            Assert.Equal("1", await WriteAsync(first, q, grain, null, Json("""{"By":"first"}"""), transaction));
            var racing = WriteAsync(second, q, grain, null, Json("""{"By":"second"}"""));
            await WaitUntilBlockedAsync(second.ProcessID);
            await transaction.CommitAsync();
            Assert.True(StorageConflict(await racing, null));
        }

        var (payload, version) = Assert.Single(await ReadStateAsync(first, q, grain));
        Assert.Equal("""{"By":"first"}""", Encoding.UTF8.GetString(payload!));
        Assert.Equal(1, version);
    }

    [Fact]
    public async Task Json_payloads_are_mirrored_as_jsonb_and_other_payloads_are_not()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        var json = new StorageKey(1, 0, 1, 99, "counter", null);
        var binary = json with { N1 = 2 };
        var broken = json with { N1 = 3 };

        // Shaped like Newtonsoft's output with type names, as Orleans' JSON grain storage serializer writes it.
        await WriteAsync(db, q, json, null, Json("""{"$type":"Misty.Counter, Misty","Count":3,"Name":"Zoë"}"""));
        await WriteAsync(db, q, binary, null, [0x00, 0xFF, 0x10]);
        await WriteAsync(db, q, broken, null, Json("""{"Count": """));

        Assert.Equal("3|Zoë", await ScalarAsync<string>(db,
            "SELECT (payloadjson->>'Count') || '|' || (payloadjson->>'Name') FROM orleansstorage WHERE grainidn1 = 1"));
        Assert.True(await ScalarAsync<bool>(db, "SELECT payloadjson IS NULL FROM orleansstorage WHERE grainidn1 = 2"));
        Assert.True(await ScalarAsync<bool>(db, "SELECT payloadjson IS NULL FROM orleansstorage WHERE grainidn1 = 3"));

        // An update refreshes it.
        await WriteAsync(db, q, json, "1", Json("""{"Count":4}"""));
        Assert.Equal("4", await ScalarAsync<string>(db, "SELECT payloadjson->>'Count' FROM orleansstorage WHERE grainidn1 = 1"));
    }

    [Fact]
    public async Task Clear_keeps_the_version_chain_and_delete_starts_over()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        var grain = new StorageKey(17, 0, 42, 99, "counter", null);
        await WriteAsync(db, q, grain, null, Json("""{"Count":1}"""));

        Assert.True(StorageConflict(await ClearAsync(db, q["ClearStorageKey"], grain, "5"), "5"));
        var cleared = await ClearAsync(db, q["ClearStorageKey"], grain, "1");
        Assert.Equal("2", cleared);

        // Read after clear: no payload (RecordExists = false) but the version, which the next write must name.
        var (payload, version) = Assert.Single(await ReadStateAsync(db, q, grain));
        Assert.Null(payload);
        Assert.Equal(2, version);
        Assert.True(await ScalarAsync<bool>(db, "SELECT payloadjson IS NULL FROM orleansstorage"));
        Assert.True(StorageConflict(await WriteAsync(db, q, grain, null, Json("{}")), null));
        Assert.Equal("3", await WriteAsync(db, q, grain, "2", Json("""{"Count":1}""")));

        // DeleteStateOnClear: the version must match; afterwards the row is gone and the grain starts at 1 again.
        Assert.True(StorageConflict(await ClearAsync(db, q["DeleteStorageKey"], grain, "2"), "2"));
        var deleted = await ClearAsync(db, q["DeleteStorageKey"], grain, "3");
        Assert.False(StorageConflict(deleted, "3"), $"delete returned '{deleted}'");
        Assert.Empty(await ReadStateAsync(db, q, grain));
        Assert.Equal("1", await WriteAsync(db, q, grain, null, Json("{}")));
    }

    private sealed record StorageKey(int GrainIdHash, long N0, long N1, int TypeHash, string Type, string? Extension);

    private static DbParam[] StorageParams(StorageKey key) =>
    [
        Int("GrainIdHash", key.GrainIdHash), Long("GrainIdN0", key.N0), Long("GrainIdN1", key.N1), Int("GrainTypeHash", key.TypeHash),
        Str("GrainTypeString", key.Type), Str("GrainIdExtensionString", key.Extension), Str("ServiceId", "svc"),
    ];

    private static int? ParseEtag(string? etag) =>
        string.IsNullOrWhiteSpace(etag) ? null : int.Parse(etag, CultureInfo.InvariantCulture);

    // WriteStateAsync: the new ETag is GetNullableInt32("NewGrainStateVersion").ToString() of the single row,
    // so NULL becomes "" and no row becomes null.
    private static async Task<string?> WriteAsync(NpgsqlConnection connection, Dictionary<string, string> q, StorageKey key, string? etag, byte[] payload, NpgsqlTransaction? transaction = null)
    {
        await using var command = Command(connection, q["WriteToStorageKey"],
            [.. StorageParams(key), Int("GrainStateVersion", ParseEtag(etag)), Bytes("PayloadBinary", payload)], transaction);
        var results = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var ordinal = reader.GetOrdinal("NewGrainStateVersion");
            results.Add(reader.IsDBNull(ordinal) ? "" : reader.GetInt32(ordinal).ToString(CultureInfo.InvariantCulture));
        }

        return results.SingleOrDefault();
    }

    // ClearStateAsync (ClearStorageKey or DeleteStorageKey): GetValue(0).ToString() of the single row.
    private static async Task<string?> ClearAsync(NpgsqlConnection connection, string sql, StorageKey key, string? etag)
    {
        await using var command = Command(connection, sql, [.. StorageParams(key), Int("GrainStateVersion", ParseEtag(etag))]);
        var results = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add(reader.GetValue(0).ToString()!);
        }

        return results.SingleOrDefault();
    }

    // The provider's CheckVersionInconsistency: true means it throws InconsistentStateException.
    private static bool StorageConflict(string? storageVersion, string? grainVersion) =>
        storageVersion == grainVersion || storageVersion == string.Empty || (storageVersion == null && grainVersion != null);

    private static async Task<List<(byte[]? Payload, int? Version)>> ReadStateAsync(NpgsqlConnection connection, Dictionary<string, string> q, StorageKey key)
    {
        var rows = new List<(byte[]?, int?)>();
        await using var command = Command(connection, q["ReadFromStorageKey"], StorageParams(key));
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var payload = reader.GetOrdinal("PayloadBinary");
            var version = reader.GetOrdinal("Version");
            rows.Add((reader.IsDBNull(payload) ? null : (byte[])reader.GetValue(payload), reader.IsDBNull(version) ? null : reader.GetInt32(version)));
        }

        return rows;
    }
}
