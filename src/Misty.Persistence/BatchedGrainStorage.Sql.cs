namespace Misty.Persistence;

/// <summary>The statements <see cref="BatchedGrainStorage"/> writes with, besides the ones it reads from <c>orleansquery</c>.</summary>
public sealed partial class BatchedGrainStorage
{
    /// <summary>The rows of one kind of write in a flush, as arrays: one statement writes them all.</summary>
    private const string Rows =
        """
        unnest(@GrainIdHash::integer[], @GrainIdN0::bigint[], @GrainIdN1::bigint[], @GrainTypeHash::integer[],
               @GrainTypeString::varchar[], @GrainIdExtensionString::varchar[], @GrainStateVersion::integer[], @PayloadBinary::bytea[],
               @PayloadIsJson::boolean[])
            WITH ORDINALITY AS w(grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, version, payload, json, position)
        """;

    /// <summary>
    /// The payload mirrored as jsonb where the writer has found it to be JSON that jsonb accepts
    /// (<see cref="IsJsonb"/>), so no row needs <c>orleans_payload_jsonb</c>, whose exception block (a subtransaction
    /// per row) cost more than the parse itself.
    /// </summary>
    private const string PayloadJson = "CASE WHEN w.json THEN convert_from(w.payload, 'UTF8')::jsonb END";

    /// <summary>
    /// What <c>WriteToStorageKey</c> does for writes naming a version (the common case: every write after a grain's
    /// first), without its insert branch and the subqueries joining the two. A write missing from the answer found its
    /// row at another version. The extension is compared as the unique index has it, so each row is an index lookup.
    /// </summary>
    private const string UpdateRows =
        $"""
        UPDATE orleansstorage AS s
        SET payloadbinary = w.payload, payloadjson = {PayloadJson}, modifiedon = now(), version = s.version + 1
        FROM {Rows}
        WHERE s.grainidhash = w.grainidhash AND s.graintypehash = w.graintypehash AND s.grainidn0 = w.grainidn0
          AND s.grainidn1 = w.grainidn1 AND s.graintypestring = w.graintypestring
          AND coalesce(s.grainidextensionstring, '') = coalesce(w.grainidextensionstring, '')
          AND s.serviceid = @ServiceId AND s.version = w.version
        RETURNING w.position, s.version
        """;

    /// <summary>
    /// New rows written with another state (a reservation's record): inserted at version 1 unless the key has a row,
    /// which stays as it is (what a write naming no version does). A write missing from the answer found a row.
    /// </summary>
    private const string InsertRows =
        $"""
        INSERT INTO orleansstorage
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
             payloadbinary, payloadjson, modifiedon, version)
        SELECT grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, @ServiceId,
               w.payload, {PayloadJson}, now(), 1
        FROM {Rows}
        ON CONFLICT (grainidhash, graintypehash, grainidn0, grainidn1, graintypestring, (coalesce(grainidextensionstring, '')), serviceid)
            DO NOTHING
        RETURNING grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, version
        """;

    /// <summary>Rows only their one writer changes (an album's row about a hold): inserted, else overwritten.</summary>
    private const string UpsertRows =
        $"""
        INSERT INTO orleansstorage
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
             payloadbinary, payloadjson, modifiedon, version)
        SELECT grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, @ServiceId,
               w.payload, {PayloadJson}, now(), 1
        FROM {Rows}
        ON CONFLICT (grainidhash, graintypehash, grainidn0, grainidn1, graintypestring, (coalesce(grainidextensionstring, '')), serviceid)
            DO UPDATE SET payloadbinary = EXCLUDED.payloadbinary, payloadjson = EXCLUDED.payloadjson, modifiedon = now(),
                          version = orleansstorage.version + 1
        RETURNING grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, version
        """;

    /// <summary>
    /// The order in which every statement here takes its parameters. The query texts name them (<c>@GrainIdHash</c>);
    /// they are rewritten once to positions (<c>$1</c>), because Npgsql parses a text with named parameters on every
    /// execution and sends a positional one as it is.
    /// </summary>
    private static readonly string[] ParameterOrder =
        ["GrainIdHash", "GrainIdN0", "GrainIdN1", "GrainTypeHash", "GrainTypeString", "GrainIdExtensionString", "ServiceId", "GrainStateVersion", "PayloadBinary", "PayloadIsJson"];
}
