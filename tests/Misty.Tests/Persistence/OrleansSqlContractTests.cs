using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Persistence;

/// <summary>
/// The SQL that migrations 0001-0004 install for Orleans' ADO.NET providers, executed the way the 10.4.2 providers
/// execute it: texts read from OrleansQuery, parameters bound by bare name with the DbType the provider sets, results
/// read by column name, and success judged by the provider's own rules (a write "fails" when the provider would
/// raise InconsistentStateException, a membership write when it returns 0).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansSqlContractTests(PostgresFixture postgres)
{
    // An odd, non-UTC session time zone: a timestamp that went through a zone conversion anywhere would come back
    // shifted by 5:45, so the round trips below prove the values are stored and read as UTC.
    private const string SessionTimeZone = "Asia/Kathmandu";

    private static readonly DateTime T0 = new(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    // ---------------------------------------------------------------------------------------------------------
    // Query catalogue

    [Fact]
    public async Task Every_query_key_the_providers_require_is_installed()
    {
        await using var db = await OpenAsync();
        var queries = await LoadQueriesAsync(db);

        // Clustering and reminders check their catalogue against the non-public properties of their internal
        // DbStoredQueries class; asking the shipped assemblies keeps this test honest across Orleans upgrades.
        var clustering = RequiredKeys(typeof(global::Orleans.Configuration.AdoNetClusteringSiloOptions).Assembly,
            "Orleans.Clustering.AdoNet.Storage.DbStoredQueries");
        var reminders = RequiredKeys(typeof(global::Orleans.Configuration.AdoNetReminderTableOptions).Assembly,
            "Orleans.Reminders.AdoNet.Storage.DbStoredQueries");
        Assert.Contains("InsertMembershipKey", clustering);
        Assert.Contains("UpsertReminderRowKey", reminders);

        // Grain storage selects these by name; DeleteStorageKey is needed for DeleteStateOnClear = true, and
        // CleanupDefunctSiloEntryKey is the optional captured-row cleanup the 10.4.2 clustering provider uses.
        string[] optional = ["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey", "CleanupDefunctSiloEntryKey"];

        foreach (var key in clustering.Concat(reminders).Concat(optional))
        {
            Assert.True(queries.ContainsKey(key), $"OrleansQuery lacks {key}");
            Assert.False(string.IsNullOrWhiteSpace(queries[key]), $"{key} is empty");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Clustering

    [Fact]
    public async Task Membership_version_row_is_created_once_and_read_alone_when_there_are_no_members()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);

        Assert.True(await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1")));
        Assert.False(await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1")));

        var rows = await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1"));
        var only = Assert.Single(rows);
        Assert.Null(only.StartTime);
        Assert.Equal(0, only.Version);
    }

    [Fact]
    public async Task Membership_insert_with_a_stale_version_returns_0_and_writes_nothing()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));

        Assert.False(await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 7)));

        var rows = await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1"));
        Assert.Null(Assert.Single(rows).StartTime);
        Assert.Equal(0, rows[0].Version);

        // No version row at all (cluster not initialised) is a plain 0 as well.
        Assert.False(await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("other", "10.0.0.1", version: 0)));
    }

    [Fact]
    public async Task Membership_insert_with_the_current_version_inserts_and_bumps_and_a_duplicate_changes_nothing()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));

        Assert.True(await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 0)));

        var row = Assert.Single(await ReadMembershipAsync(db, q["MembershipReadRowKey"], RowKey("c1", "10.0.0.1")));
        Assert.Equal(1, row.Version);
        Assert.Equal("10.0.0.1", row.Address);
        Assert.Equal(11111, row.Port);
        Assert.Equal("silo-10.0.0.1", row.SiloName);
        Assert.Equal(1, row.Status);
        Assert.Equal(30000, row.ProxyPort);
        Assert.Equal(T0, row.StartTime);
        Assert.Equal(T0, row.IAmAliveTime);

        // The same silo again at the current version: the row exists, so 0, and the version must not move.
        Assert.False(await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 1)));
        Assert.Equal(1, (await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1")))[0].Version);

        // A row another silo asks about that does not exist still yields the version.
        var missing = Assert.Single(await ReadMembershipAsync(db, q["MembershipReadRowKey"], RowKey("c1", "10.9.9.9")));
        Assert.Null(missing.StartTime);
        Assert.Equal(1, missing.Version);
    }

    [Fact]
    public async Task Membership_update_needs_the_current_version_and_bumps_it()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 0));

        Assert.False(await BooleanAsync(db, q["UpdateMembershipKey"], UpdateParams("c1", "10.0.0.1", status: 3, T0.AddSeconds(1), suspectTimes: null, version: 0)));
        var unchanged = Assert.Single(await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1")));
        Assert.Equal(1, unchanged.Status);
        Assert.Equal(1, unchanged.Version);

        const string votes = "S10.0.0.2:11111:1,2030-01-02 03:04:06.000 GMT";
        Assert.True(await BooleanAsync(db, q["UpdateMembershipKey"], UpdateParams("c1", "10.0.0.1", status: 3, T0.AddSeconds(1), votes, version: 1)));
        var updated = Assert.Single(await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1")));
        Assert.Equal(3, updated.Status);
        Assert.Equal(2, updated.Version);
        Assert.Equal(votes, updated.SuspectTimes);
        Assert.Equal(T0.AddSeconds(1), updated.IAmAliveTime);

        // Correct version but no such silo: 0, and the version stays.
        Assert.False(await BooleanAsync(db, q["UpdateMembershipKey"], UpdateParams("c1", "10.9.9.9", status: 3, T0, null, version: 2)));
        Assert.Equal(2, (await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1")))[0].Version);
    }

    [Fact]
    public async Task Heartbeat_never_bumps_the_version_and_never_moves_the_time_back()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 0));

        await ExecuteAsync(db, q["UpdateIAmAlivetimeKey"], [.. RowKey("c1", "10.0.0.1"), Time("IAmAliveTime", T0.AddSeconds(10))]);
        await ExecuteAsync(db, q["UpdateIAmAlivetimeKey"], [.. RowKey("c1", "10.0.0.1"), Time("IAmAliveTime", T0.AddSeconds(5))]);

        var row = Assert.Single(await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1")));
        Assert.Equal(T0.AddSeconds(10), row.IAmAliveTime);
        Assert.Equal(1, row.Version);

        // A status update based on a read from before that heartbeat carries an older time: the version it read is
        // still current, and the newer heartbeat survives.
        Assert.True(await BooleanAsync(db, q["UpdateMembershipKey"], UpdateParams("c1", "10.0.0.1", status: 3, T0, null, version: 1)));
        row = Assert.Single(await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1")));
        Assert.Equal(T0.AddSeconds(10), row.IAmAliveTime);
        Assert.Equal(2, row.Version);
    }

    [Fact]
    public async Task Concurrent_membership_writers_with_the_same_version_cannot_both_succeed()
    {
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();
        var q = await LoadQueriesAsync(first);
        await BooleanAsync(first, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));

        await using (var transaction = await first.BeginTransactionAsync())
        {
            Assert.True(await BooleanAsync(first, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 0), transaction));
            // The second writer read the same version; it must queue behind the first, then see the version moved.
            var racing = BooleanAsync(second, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.2", version: 0));
            await WaitUntilBlockedAsync(second.ProcessID);
            await transaction.CommitAsync();
            Assert.False(await racing);
        }

        var rows = await ReadMembershipAsync(first, q["MembershipReadAllKey"], Str("DeploymentId", "c1"));
        Assert.Equal("10.0.0.1", Assert.Single(rows).Address);
        Assert.Equal(1, rows[0].Version);
    }

    [Fact]
    public async Task Gateways_are_active_silos_with_a_proxy_port()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 0, status: 3));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.2", version: 1, status: 3, proxyPort: 0));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.3", version: 2, status: 6));

        var gateways = new List<(string, int, int)>();
        await using (var command = Command(db, q["GatewaysQueryKey"], [Str("DeploymentId", "c1"), Int("Status", 3)]))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                gateways.Add((reader.GetString(reader.GetOrdinal("Address")), reader.GetInt32(reader.GetOrdinal("ProxyPort")),
                    reader.GetInt32(reader.GetOrdinal("Generation"))));
            }
        }

        Assert.Equal(new[] { ("10.0.0.1", 30000, 1) }, gateways);
    }

    [Fact]
    public async Task Cleanup_removes_only_dead_silos_older_than_the_cutoff()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 0, status: 6));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.2", version: 1, status: 3));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.3", version: 2, status: 6, aliveAt: T0.AddHours(2)));

        await ExecuteAsync(db, q["CleanupDefunctSiloEntriesKey"], [Str("DeploymentId", "c1"), Time("IAmAliveTime", T0.AddHours(1))]);

        var left = (await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1"))).Select(r => r.Address).Order();
        Assert.Equal(new[] { "10.0.0.2", "10.0.0.3" }, left);
    }

    [Fact]
    public async Task Captured_row_cleanup_deletes_a_dead_row_only_while_it_is_unchanged()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 0, status: 6));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.2", version: 1, status: 3));

        // Values as the provider captured them from its read (no votes read back as none).
        DbParam[] Captured(string address, DateTime aliveAt) =>
            [.. RowKey("c1", address), Time("StartTime", T0), Time("IAmAliveTime", aliveAt), Str("SuspectTimes", null)];

        await ExecuteAsync(db, q["CleanupDefunctSiloEntryKey"], Captured("10.0.0.1", T0.AddSeconds(-1))); // a heartbeat since
        await ExecuteAsync(db, q["CleanupDefunctSiloEntryKey"], Captured("10.0.0.2", T0));                 // not dead
        Assert.Equal(2, (await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1"))).Count);

        await ExecuteAsync(db, q["CleanupDefunctSiloEntryKey"], Captured("10.0.0.1", T0));
        var left = Assert.Single(await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1")));
        Assert.Equal("10.0.0.2", left.Address);
        Assert.Equal(2, left.Version);
    }

    [Fact]
    public async Task Deleting_a_cluster_removes_its_members_and_version()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c1"));
        await BooleanAsync(db, q["InsertMembershipVersionKey"], Str("DeploymentId", "c2"));
        await BooleanAsync(db, q["InsertMembershipKey"], InsertParams("c1", "10.0.0.1", version: 0));

        await ExecuteAsync(db, q["DeleteMembershipTableEntriesKey"], [Str("DeploymentId", "c1")]);

        Assert.Empty(await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c1")));
        Assert.Single(await ReadMembershipAsync(db, q["MembershipReadAllKey"], Str("DeploymentId", "c2")));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Grain storage

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

    // ---------------------------------------------------------------------------------------------------------
    // Reminders

    [Fact]
    public async Task Reminder_upsert_returns_increasing_versions_and_delete_needs_the_current_one()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);

        Assert.Equal(0, await UpsertReminderAsync(db, q, "probe/a", "tick", hash: -5, period: TimeSpan.FromMinutes(1)));
        Assert.Equal(1, await UpsertReminderAsync(db, q, "probe/a", "tick", hash: -5, period: TimeSpan.FromMinutes(2)));
        // Longer than int.MaxValue milliseconds: the provider then binds a bigint.
        Assert.Equal(2, await UpsertReminderAsync(db, q, "probe/a", "tick", hash: -5, period: TimeSpan.FromDays(30)));
        Assert.Equal(0, await UpsertReminderAsync(db, q, "probe/a", "tock", hash: -5, period: TimeSpan.FromMinutes(1)));

        var one = Assert.Single(await ReadRemindersAsync(db, q["ReadReminderRowKey"],
            [Str("ServiceId", "svc"), Ansi("GrainId", "probe/a"), Str("ReminderName", "tick")]));
        Assert.Equal(("probe/a", "tick", T0, TimeSpan.FromDays(30), "2"), one);
        Assert.Equal(2, (await ReadRemindersAsync(db, q["ReadReminderRowsKey"], [Str("ServiceId", "svc"), Ansi("GrainId", "probe/a")])).Count);
        Assert.Empty(await ReadRemindersAsync(db, q["ReadReminderRowsKey"], [Str("ServiceId", "other"), Ansi("GrainId", "probe/a")]));

        DbParam[] Delete(string version) =>
            [Str("ServiceId", "svc"), Ansi("GrainId", "probe/a"), Str("ReminderName", "tick"), Int("Version", int.Parse(version, CultureInfo.InvariantCulture))];
        Assert.False(await BooleanAsync(db, q["DeleteReminderRowKey"], Delete("1")));
        Assert.True(await BooleanAsync(db, q["DeleteReminderRowKey"], Delete("2")));
        Assert.False(await BooleanAsync(db, q["DeleteReminderRowKey"], Delete("2")));

        await ExecuteAsync(db, q["DeleteReminderRowsKey"], [Str("ServiceId", "svc")]);
        Assert.Empty(await ReadRemindersAsync(db, q["ReadReminderRowsKey"], [Str("ServiceId", "svc"), Ansi("GrainId", "probe/a")]));
    }

    [Fact]
    public async Task Reminder_range_queries_cover_the_signed_hash_ring()
    {
        await using var db = await OpenAsync();
        var q = await LoadQueriesAsync(db);
        await UpsertReminderAsync(db, q, "probe/min", "r", hash: int.MinValue, TimeSpan.FromMinutes(1));
        await UpsertReminderAsync(db, q, "probe/neg", "r", hash: -100, TimeSpan.FromMinutes(1));
        await UpsertReminderAsync(db, q, "probe/zero", "r", hash: 0, TimeSpan.FromMinutes(1));
        await UpsertReminderAsync(db, q, "probe/pos", "r", hash: 100, TimeSpan.FromMinutes(1));
        await UpsertReminderAsync(db, q, "probe/max", "r", hash: int.MaxValue, TimeSpan.FromMinutes(1));

        async Task<string[]> Range(uint begin, uint end)
        {
            // The provider's choice: Rows1 when the slice does not wrap in signed order, Rows2 otherwise.
            var key = (int)begin < (int)end ? "ReadRangeRows1Key" : "ReadRangeRows2Key";
            var rows = await ReadRemindersAsync(db, q[key],
                [Str("ServiceId", "svc"), Int("BeginHash", unchecked((int)begin)), Int("EndHash", unchecked((int)end))]);
            return [.. rows.Select(r => r.GrainId).Order(StringComparer.Ordinal)];
        }

        // (begin, end]: begin excluded, end included.
        Assert.Equal(new[] { "probe/pos", "probe/zero" }, await Range(unchecked((uint)-100), 100));
        // Wraps: above 100, or up to -100.
        Assert.Equal(new[] { "probe/max", "probe/min", "probe/neg" }, await Range(100, unchecked((uint)-100)));
        // begin = end: the whole ring.
        Assert.Equal(5, (await Range(7, 7)).Length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers: parameters and reads as the 10.4.2 providers do them

    private sealed record DbParam(string Name, object? Value, DbType Type);

    private static DbParam Str(string name, string? value) => new(name, value, DbType.String);

    // Address and GrainId are bound as AnsiString by the providers.
    private static DbParam Ansi(string name, string value) => new(name, value, DbType.AnsiString);

    private static DbParam Int(string name, int? value) => new(name, value, DbType.Int32);

    private static DbParam Long(string name, long value) => new(name, value, DbType.Int64);

    private static DbParam Time(string name, DateTime utc) => new(name, utc, DbType.DateTime);

    private static DbParam Bytes(string name, byte[] value) => new(name, value, DbType.Binary);

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(await DatabaseAsync()) { Timezone = SessionTimeZone };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    // One database per test class instance (xunit makes one instance per test), shared by that test's connections.
    private string? _database;

    private async Task<string> DatabaseAsync() => _database ??= await postgres.CreateDatabaseAsync();

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, IEnumerable<DbParam> parameters, NpgsqlTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var parameter in parameters)
        {
            // The providers create a DbParameter, set the bare name, the value (DBNull for null) and the DbType.
            DbParameter p = command.CreateParameter();
            p.ParameterName = parameter.Name;
            p.Value = parameter.Value ?? DBNull.Value;
            p.DbType = parameter.Type;
            command.Parameters.Add(p);
        }

        return command;
    }

    private static async Task<Dictionary<string, string>> LoadQueriesAsync(NpgsqlConnection connection)
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = Command(connection, "SELECT QueryKey, QueryText FROM OrleansQuery", []);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            queries.Add(reader.GetString(reader.GetOrdinal("QueryKey")), reader.GetString(reader.GetOrdinal("QueryText")));
        }

        return queries;
    }

    private static HashSet<string> RequiredKeys(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        return type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name).ToHashSet();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, IEnumerable<DbParam> parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    // The providers' GetSingleBooleanValue: exactly one column, Convert.ToBoolean of the first row's value.
    private static async Task<bool> BooleanAsync(NpgsqlConnection connection, string sql, IEnumerable<DbParam> parameters, NpgsqlTransaction? transaction = null)
    {
        await using var command = Command(connection, sql, parameters, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "a boolean query must return a row");
        Assert.Equal(1, reader.FieldCount);
        var value = Convert.ToBoolean(reader.GetValue(0), CultureInfo.InvariantCulture);
        Assert.False(await reader.ReadAsync(), "a boolean query must return one row");
        return value;
    }

    private static Task<bool> BooleanAsync(NpgsqlConnection connection, string sql, DbParam parameter) =>
        BooleanAsync(connection, sql, [parameter]);

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = Command(connection, sql, []);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static DbParam[] RowKey(string deployment, string address) =>
        [Str("DeploymentId", deployment), Ansi("Address", address), Int("Port", 11111), Int("Generation", 1)];

    private static DbParam[] InsertParams(string deployment, string address, int version, int status = 1, int proxyPort = 30000, DateTime? aliveAt = null) =>
    [
        .. RowKey(deployment, address), Str("SiloName", "silo-" + address), Str("HostName", "host"), Int("Status", status),
        Int("ProxyPort", proxyPort), Time("StartTime", T0), Time("IAmAliveTime", aliveAt ?? T0), Int("Version", version),
    ];

    private static DbParam[] UpdateParams(string deployment, string address, int status, DateTime aliveAt, string? suspectTimes, int version) =>
        [.. RowKey(deployment, address), Int("Status", status), Str("SuspectTimes", suspectTimes), Time("IAmAliveTime", aliveAt), Int("Version", version)];

    private sealed record MemberRow(
        string? Address, int? Port, string? SiloName, int? Status, int? ProxyPort, string? SuspectTimes,
        DateTime? StartTime, DateTime? IAmAliveTime, int Version);

    // Read by column name, as the provider's GetMembershipEntry does; a NULL StartTime means "no member".
    private static async Task<List<MemberRow>> ReadMembershipAsync(NpgsqlConnection connection, string sql, params IEnumerable<DbParam> parameters)
    {
        var rows = new List<MemberRow>();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            T? Get<T>(string column) => reader.IsDBNull(reader.GetOrdinal(column)) ? default : reader.GetFieldValue<T>(reader.GetOrdinal(column));
            var startTime = Get<DateTime?>("StartTime");
            if (startTime is { } start)
            {
                Assert.Equal(DateTimeKind.Utc, start.Kind);
            }

            rows.Add(new MemberRow(Get<string>("Address"), Get<int?>("Port"), Get<string>("SiloName"), Get<int?>("Status"),
                Get<int?>("ProxyPort"), Get<string>("SuspectTimes"), startTime, Get<DateTime?>("IAmAliveTime"),
                Convert.ToInt32(reader.GetValue(reader.GetOrdinal("Version")), CultureInfo.InvariantCulture)));
        }

        return rows;
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

    private static async Task<int> UpsertReminderAsync(NpgsqlConnection connection, Dictionary<string, string> q, string grainId, string name, int hash, TimeSpan period)
    {
        // The provider binds Period as int when it fits, else as long.
        var periodParam = period.TotalMilliseconds <= int.MaxValue
            ? Int("Period", (int)period.TotalMilliseconds)
            : Long("Period", (long)period.TotalMilliseconds);
        await using var command = Command(connection, q["UpsertReminderRowKey"],
        [
            Str("ServiceId", "svc"), Int("GrainHash", hash), Ansi("GrainId", grainId), Str("ReminderName", name),
            Time("StartTime", T0), periodParam,
        ]);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return Convert.ToInt32(reader.GetValue(reader.GetOrdinal("Version")), CultureInfo.InvariantCulture);
    }

    private static async Task<List<(string GrainId, string Name, DateTime Start, TimeSpan Period, string ETag)>> ReadRemindersAsync(
        NpgsqlConnection connection, string sql, IEnumerable<DbParam> parameters)
    {
        var rows = new List<(string, string, DateTime, TimeSpan, string)>();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((
                reader.GetString(reader.GetOrdinal("GrainId")),
                reader.GetString(reader.GetOrdinal("ReminderName")),
                reader.GetDateTime(reader.GetOrdinal("StartTime")),
                TimeSpan.FromMilliseconds(reader.GetInt64(reader.GetOrdinal("Period"))),
                Convert.ToInt32(reader.GetValue(reader.GetOrdinal("Version")), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    // Waits until the given backend is blocked on a lock, so a race test really races instead of running in turn.
    // Observes from a connection of its own: inside a transaction pg_stat_activity is a snapshot that never changes.
    private async Task WaitUntilBlockedAsync(int blockedProcessId)
    {
        await using var observer = await OpenAsync();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var command = Command(observer,
                "SELECT count(*) FROM pg_stat_activity WHERE pid = @Pid AND wait_event_type = 'Lock'", [Int("Pid", blockedProcessId)]);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"backend {blockedProcessId} never waited for the lock");
    }
}
