using System.Globalization;
using System.Reflection;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Persistence;

/// <summary>The query catalogue every provider reads, and the reminder provider's SQL, as <see cref="OrleansSqlContract"/> executes them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansReminderSqlTests(PostgresFixture postgres) : OrleansSqlContract(postgres)
{
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

    private static HashSet<string> RequiredKeys(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        return type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name).ToHashSet();
    }
}
