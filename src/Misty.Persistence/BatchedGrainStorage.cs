using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace Misty.Persistence;

/// <summary>
/// Grain storage in Orleans' <c>orleansstorage</c> table, with the same rows, keys, versions and SQL
/// (<c>ReadFromStorageKey</c>, <c>WriteToStorageKey</c>, <c>ClearStorageKey</c> from <c>orleansquery</c>) as Orleans'
/// ADO.NET provider, so either provider reads the other's rows; the two common kinds of write use leaner statements
/// with the same effect (<see cref="UpdateRow"/>, <see cref="InsertNewRow"/>). The difference: writes of all grains on
/// this silo go through one <see cref="CommitQueue{TWrite,TResult}"/>, so a busy silo stores many grains' states in one
/// transaction and one WAL flush, and each <c>WriteStateAsync</c> returns only after that transaction committed. Reads
/// are batched the same way (one round trip for many activating grains). A state can also carry new rows of other
/// states into its transaction (<see cref="WriteStateWithNewRowsAsync"/>), as an album's hold carries its
/// reservation's record.
/// </summary>
public sealed partial class BatchedGrainStorage : IGrainStorage
{
    /// <summary>The provider name grains give in <c>[PersistentState(name, BatchedGrainStorage.Name)]</c>.</summary>
    public const string Name = "batched";

    /// <summary>Enough to amortize a commit over many writes; bounded so that one flush, and its waiters, stay short.</summary>
    private const int MaxBatch = 128;

    /// <summary>
    /// Transactions in flight at once: while one waits for its commit, the next is already executing. Under the
    /// reservation benchmark two did better than one (writes waited for a whole flush) and than three (smaller batches,
    /// more commits for the same writes).
    /// </summary>
    private const int MaxFlushes = 2;

    private readonly NpgsqlDataSource _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly string _serviceId;
    private Task<Queries>? _queries;
    private readonly CommitQueue<WriteGroup, int?[]> _writes;
    private readonly CommitQueue<StorageKey, StoredRow?> _reads;

    public BatchedGrainStorage(NpgsqlDataSource database, IGrainStorageSerializer serializer, string serviceId)
    {
        _database = database;
        _serializer = serializer;
        _serviceId = serviceId;
        _writes = new CommitQueue<WriteGroup, int?[]>(FlushAsync, MaxBatch, MaxFlushes);
        _reads = new CommitQueue<StorageKey, StoredRow?>(ReadAllAsync, MaxBatch, MaxFlushes);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = await _reads.EnqueueAsync(KeyOf(stateName, grainId));
        grainState.State = row?.Payload is { } payload ? _serializer.Deserialize<T>(new BinaryData(payload)) : Activator.CreateInstance<T>();
        grainState.ETag = row?.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = row?.Payload is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = Version(grainState.ETag);
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var stored = await _writes.EnqueueAsync(new WriteGroup([new StateWrite(KeyOf(stateName, grainId), version, payload)]));
        grainState.ETag = Checked("write", stateName, grainId, version, stored[0]);
        grainState.RecordExists = true;
    }

    /// <summary>
    /// Writes a grain's state and, in the same transaction, new rows of other states: the rows are stored exactly when
    /// the state is. A row whose key already has a record is left as it is (insert-only, as a write naming no version).
    /// </summary>
    /// <returns>For each new row, whether it was inserted.</returns>
    public async Task<IReadOnlyList<bool>> WriteStateWithNewRowsAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, IReadOnlyList<NewRow> rows)
    {
        var version = Version(grainState.ETag);
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var stored = await _writes.EnqueueAsync(new WriteGroup(
            [new StateWrite(KeyOf(stateName, grainId), version, payload), .. rows.Select(row => new StateWrite(KeyOf(row.StateName, row.GrainId), null, row.Serialize(_serializer), InsertOnly: !row.Overwrite, Overwrite: row.Overwrite))]));
        grainState.ETag = Checked("write", stateName, grainId, version, stored[0]);
        grainState.RecordExists = true;
        return [.. stored.Skip(1).Select(inserted => inserted is not null)];
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = Version(grainState.ETag);
        var queries = await QueriesAsync();
        await using var command = _database.CreateCommand(queries.Clear);
        AddKey(command.Parameters, KeyOf(stateName, grainId));
        AddVersion(command.Parameters, version);
        var result = await command.ExecuteScalarAsync();
        grainState.ETag = Checked("clear", stateName, grainId, version, result is int cleared ? cleared : null);
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    /// <summary>
    /// The row identity Orleans' ADO.NET provider uses: Guid keys as the two halves of <see cref="Guid.ToByteArray"/>,
    /// integer keys in N1, other keys and key extensions in the extension column, and StableHash (XxHash32) of the key
    /// bytes (reversed on little-endian machines, as Orleans does) and of the state name.
    /// </summary>
    public static StorageKey KeyOf(string stateName, GrainId grainId)
    {
        byte[] keyBytes;
        long n0 = 0, n1 = 0;
        if (grainId.TryGetGuidKey(out var guid, out var extension))
        {
            keyBytes = guid.ToByteArray();
            n0 = BitConverter.ToInt64(keyBytes, 0);
            n1 = BitConverter.ToInt64(keyBytes, 8);
        }
        else if (grainId.TryGetIntegerKey(out var integer, out extension))
        {
            n1 = integer;
            keyBytes = BitConverter.GetBytes(integer);
        }
        else
        {
            extension = grainId.Key.ToString();
            keyBytes = [];
        }

        byte[] hashed = extension is null ? keyBytes : [.. keyBytes, .. Encoding.UTF8.GetBytes(extension)];
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(hashed);
        }

        return new StorageKey((int)StableHash.ComputeHash(hashed), n0, n1, (int)StableHash.ComputeHash(Encoding.UTF8.GetBytes(stateName)), stateName, extension);
    }

    private async Task<IReadOnlyList<StoredRow?>> ReadAllAsync(IReadOnlyList<StorageKey> keys)
    {
        var queries = await QueriesAsync();
        await using var connection = await _database.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var key in keys)
        {
            var command = new NpgsqlBatchCommand(queries.Read);
            AddKey(command.Parameters, key);
            batch.BatchCommands.Add(command);
        }

        // Prepared for the same reason as the writes (see FlushAsync).
        await batch.PrepareAsync();
        var rows = new List<StoredRow?>(keys.Count);
        await using var reader = await batch.ExecuteReaderAsync();
        do
        {
            rows.Add(await reader.ReadAsync()
                ? new StoredRow(reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), reader.GetInt32(1))
                : null);
        }
        while (await reader.NextResultAsync());
        return rows;
    }

    private async Task<IReadOnlyList<int?[]>> FlushAsync(IReadOnlyList<WriteGroup> groups)
    {
        var queries = await QueriesAsync();
        await using var connection = await _database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var writes = groups.SelectMany(group => group.Rows).ToList();
        var versions = new int?[writes.Count];
        var updates = new List<int>();
        var inserts = new List<int>();
        var upserts = new List<int>();
        var singles = new List<int>();
        for (var i = 0; i < writes.Count; i++)
        {
            (writes[i] switch
            {
                { InsertOnly: true } => inserts,
                { Overwrite: true } => upserts,
                { Version: null } => singles,
                _ => updates,
            }).Add(i);
        }

        // A key twice in one statement: an insert-only row after the first finds the first's row; an overwrite wins.
        var firstInserts = inserts.DistinctBy(i => writes[i].Key).ToList();
        var lastUpserts = upserts.AsEnumerable().Reverse().DistinctBy(i => writes[i].Key).ToList();
        // An update answers with each write's position; an insert with the keys it wrote.
        var statements = new List<(string Sql, List<int> Writes, bool ByPosition)>
        {
            (queries.UpdateRows, updates, true), (queries.InsertRows, firstInserts, false), (queries.UpsertRows, lastUpserts, false),
        };
        statements.RemoveAll(statement => statement.Writes.Count == 0);
        foreach (var (sql, rows, _) in statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            AddRows(command.Parameters, [.. rows.Select(i => writes[i])]);
            batch.BatchCommands.Add(command);
        }

        foreach (var single in singles)
        {
            var command = new NpgsqlBatchCommand(queries.Write);
            AddKey(command.Parameters, writes[single].Key);
            AddVersion(command.Parameters, writes[single].Version);
            command.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = writes[single].Payload });
            batch.BatchCommands.Add(command);
        }

        // Prepared explicitly: Npgsql's automatic preparation did not take these batches, and PostgreSQL parsed, analyzed
        // and planned every write, the bulk of its CPU under the reservation benchmark. Preparing a statement the
        // pooled connection already has prepared costs no round trip.
        await batch.PrepareAsync();
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            foreach (var (_, rows, byPosition) in statements)
            {
                var stored = new Dictionary<StorageKey, int>();
                while (await reader.ReadAsync())
                {
                    if (byPosition)
                    {
                        versions[rows[(int)reader.GetInt64(0) - 1]] = reader.GetInt32(1);
                    }
                    else
                    {
                        stored[new StorageKey(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetString(4),
                            reader.IsDBNull(5) ? null : reader.GetString(5))] = reader.GetInt32(6);
                    }
                }

                foreach (var i in rows.Where(i => stored.ContainsKey(writes[i].Key)))
                {
                    versions[i] = stored[writes[i].Key];
                }

                await reader.NextResultAsync();
            }

            foreach (var single in singles)
            {
                versions[single] = await reader.ReadAsync() && !reader.IsDBNull(0) ? reader.GetInt32(0) : null;
                await reader.NextResultAsync();
            }
        }

        foreach (var duplicate in upserts.Except(lastUpserts))
        {
            versions[duplicate] = versions[lastUpserts.First(i => writes[i].Key == writes[duplicate].Key)];
        }

        var results = new List<int?[]>(groups.Count);
        var offset = 0;
        foreach (var group in groups)
        {
            var stored = versions[offset..(offset + group.Rows.Count)];
            offset += stored.Length;
            if (group.Rows.Count > 1 && !Succeeded(group.Rows[0].Version, stored[0]))
            {
                // The state's own write failed its version check: its new rows must not be stored without it. Leaving
                // without a commit rolls back the whole transaction and fails every write in it (all get retried).
                throw new InconsistentStateException($"Version conflict (write): ServiceId={_serviceId} ProviderName={Name} GrainType={group.Rows[0].Key.StateName}; its new rows were not stored.");
            }

            results.Add(stored);
        }

        await transaction.CommitAsync();
        return results;
    }

    /// <summary>The parameters of <see cref="Rows"/>: one array per column, in <see cref="ParameterOrder"/>.</summary>
    private void AddRows(NpgsqlParameterCollection parameters, List<StateWrite> rows)
    {
        parameters.Add(Column(NpgsqlDbType.Integer, rows.Select(row => row.Key.GrainIdHash)));
        parameters.Add(Column(NpgsqlDbType.Bigint, rows.Select(row => row.Key.N0)));
        parameters.Add(Column(NpgsqlDbType.Bigint, rows.Select(row => row.Key.N1)));
        parameters.Add(Column(NpgsqlDbType.Integer, rows.Select(row => row.Key.GrainTypeHash)));
        parameters.Add(Column(NpgsqlDbType.Varchar, rows.Select(row => row.Key.StateName)));
        parameters.Add(Column(NpgsqlDbType.Varchar, rows.Select(row => row.Key.Extension)));
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Varchar, TypedValue = _serviceId });
        parameters.Add(Column(NpgsqlDbType.Integer, rows.Select(row => row.Version)));
        parameters.Add(Column(NpgsqlDbType.Bytea, rows.Select(row => row.Payload)));
        parameters.Add(Column(NpgsqlDbType.Boolean, rows.Select(row => IsJsonb(row.Payload))));
    }

    /// <summary>
    /// Whether PostgreSQL's jsonb takes this payload of <see cref="JsonStateSerializer"/>: an object or array whose
    /// escapes name no NUL and no unpaired surrogate, the only escapes jsonb refuses. A false no (text that merely looks
    /// like such an escape) just leaves <c>payloadjson</c> empty for that row; a false yes would fail the whole flush.
    /// </summary>
    public static bool IsJsonb(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload[0] is not ((byte)'{' or (byte)'['))
        {
            return false;
        }

        for (var at = payload.IndexOf("\\u"u8); at >= 0; at = payload.IndexOf("\\u"u8))
        {
            payload = payload[at..];
            if (Escaped(payload) is not { } code || code == 0 || char.IsLowSurrogate(code))
            {
                return false;
            }

            if (char.IsHighSurrogate(code))
            {
                if (Escaped(payload[6..]) is not { } low || !char.IsLowSurrogate(low))
                {
                    return false;
                }

                payload = payload[6..];
            }

            payload = payload[6..];
        }

        return true;
    }

    /// <summary>The character of a <c>\uXXXX</c> escape at the start of <paramref name="text"/>, if there is one.</summary>
    private static char? Escaped(ReadOnlySpan<byte> text) =>
        text.Length >= 6 && text.StartsWith("\\u"u8) &&
        ushort.TryParse(text[2..6], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            ? (char)code
            : null;

    private static NpgsqlParameter<T[]> Column<T>(NpgsqlDbType type, IEnumerable<T> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | type, TypedValue = [.. values] };

    private void AddKey(NpgsqlParameterCollection parameters, StorageKey key)
    {
        parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = key.GrainIdHash });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = key.N0 });
        parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = key.N1 });
        parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = key.GrainTypeHash });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Varchar, TypedValue = key.StateName });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = (object?)key.Extension ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Varchar, TypedValue = _serviceId });
    }

    private static void AddVersion(NpgsqlParameterCollection parameters, int? version) =>
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)version ?? DBNull.Value });

    /// <summary>The texts are read once, like Orleans does; a failed read (database not up yet) is tried again next time.</summary>
    private async Task<Queries> QueriesAsync()
    {
        var loading = _queries ??= LoadQueriesAsync();
        try
        {
            return await loading;
        }
        catch
        {
            _ = Interlocked.CompareExchange(ref _queries, null, loading);
            throw;
        }
    }

    private async Task<Queries> LoadQueriesAsync()
    {
        await using var command = _database.CreateCommand(
            "SELECT querykey, querytext FROM orleansquery WHERE querykey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey')");
        await using var reader = await command.ExecuteReaderAsync();
        var texts = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            texts[reader.GetString(0)] = reader.GetString(1);
        }

        return new Queries(
            Positional(texts["ReadFromStorageKey"]), Positional(texts["WriteToStorageKey"]), Positional(texts["ClearStorageKey"]),
            Positional(InsertRows), Positional(UpdateRows), Positional(UpsertRows));
    }

    private static string Positional(string sql) => NamedParameter().Replace(sql, name =>
    {
        var position = Array.IndexOf(ParameterOrder, name.Groups[1].Value);
        return position >= 0
            ? "$" + (position + 1).ToString(CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"A storage query names the unknown parameter {name.Value}.");
    });

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex NamedParameter();

    private static int? Version(string? etag) => string.IsNullOrWhiteSpace(etag) ? null : int.Parse(etag, CultureInfo.InvariantCulture);

    /// <summary>Orleans' rule: storage answering with the version the grain sent (or none) means the condition failed.</summary>
    private string Checked(string operation, string stateName, GrainId grainId, int? sent, int? stored) =>
        Succeeded(sent, stored)
            ? stored!.Value.ToString(CultureInfo.InvariantCulture)
            : throw new InconsistentStateException(
                $"Version conflict ({operation}): ServiceId={_serviceId} ProviderName={Name} GrainType={stateName} GrainId={grainId} ETag={sent}.");

    private sealed record Queries(string Read, string Write, string Clear, string InsertRows, string UpdateRows, string UpsertRows);

    private static bool Succeeded(int? sent, int? stored) => stored is { } version && version != sent;

    /// <param name="InsertOnly">A new row written with another state: <see cref="InsertNewRow"/>, not the general write.</param>
    /// <param name="Overwrite">Such a row replacing the key's row if there is one: <see cref="UpsertRow"/>.</param>
    private sealed record StateWrite(StorageKey Key, int? Version, byte[] Payload, bool InsertOnly = false, bool Overwrite = false);

    /// <summary>Rows that are stored in one transaction or not at all: a grain's state, and any new rows written with it.</summary>
    private sealed record WriteGroup(IReadOnlyList<StateWrite> Rows);

    /// <summary>A stored row; no payload means a cleared state, whose version the next write must still name.</summary>
    private sealed record StoredRow(byte[]? Payload, int Version);
}

/// <summary>A grain state's row identity in <c>orleansstorage</c>.</summary>
public sealed record StorageKey(int GrainIdHash, long N0, long N1, int GrainTypeHash, string StateName, string? Extension);
