using System.Globalization;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Persistence;

/// <summary>The clustering provider's membership SQL, as <see cref="OrleansSqlContract"/> executes it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansMembershipSqlTests(PostgresFixture postgres) : OrleansSqlContract(postgres)
{
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
}
