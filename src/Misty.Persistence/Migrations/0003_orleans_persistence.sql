-- Orleans ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet 10.4.2): one row per grain state.
--
-- Identity: (serviceid, graintypestring = the state name, grainidn0/n1 = Guid halves or 0/integer key,
-- grainidextensionstring = string key or key extension, NULL when none). The two hashes are the provider's
-- XxHash32 of the key and of the state name; they lead the unique index because they are the most selective.
--
-- Versions (the state's ETag): a first write (no ETag) inserts version 1; a later write or clear must name the
-- current version and moves it to version + 1. Every write/clear/delete query returns exactly one row; on
-- success its value is the new version, on a conflict it is the version the caller sent (NULL when it sent
-- none), which the provider turns into an InconsistentStateException.

CREATE TABLE IF NOT EXISTS orleansstorage
(
    -- Surrogate key only for tooling that needs a primary key (logical replication, admin UIs); Orleans never
    -- sees it.
    id                     bigint GENERATED ALWAYS AS IDENTITY,
    grainidhash            integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    graintypehash          integer      NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidextensionstring varchar(512) NULL,
    serviceid              varchar(150) NOT NULL,
    payloadbinary          bytea        NULL,      -- NULL after a clear (the state then reads as "no record")
    -- The same state as jsonb when the payload is JSON (Orleans' JSON grain storage serializer writes UTF-8
    -- JSON), so state can be queried with SQL. Derived by the write query; never read by Orleans.
    payloadjson            jsonb        NULL,
    modifiedon             timestamptz  NOT NULL DEFAULT now(),
    version                integer      NOT NULL,

    CONSTRAINT pk_orleansstorage PRIMARY KEY (id)
);

-- One row per grain state, so two activations racing to write a state for the first time cannot both insert:
-- the second waits for the first to commit, then its ON CONFLICT DO NOTHING finds the row. The extension is
-- NULL for most grains and NULLs never conflict in a plain unique index, hence coalesce. The leading columns
-- also serve every lookup.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_grain
    ON orleansstorage (grainidhash, graintypehash, grainidn0, grainidn1, graintypestring,
                       (coalesce(grainidextensionstring, '')), serviceid);

-- jsonb of a payload that is a JSON object or array, else NULL. Never fails a write: invalid UTF-8, invalid
-- JSON or a \u0000 in a string (which jsonb cannot store) just yield NULL. The first-byte test keeps binary
-- payloads away from the exception block, which costs a subtransaction (and is why the function is left
-- PARALLEL UNSAFE, the default).
CREATE OR REPLACE FUNCTION orleans_payload_jsonb(payload bytea)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF payload IS NULL OR length(payload) = 0 OR get_byte(payload, 0) NOT IN (123, 91) THEN  -- '{' or '['
        RETURN NULL;
    END IF;
    RETURN convert_from(payload, 'UTF8')::jsonb;
EXCEPTION
    WHEN data_exception OR program_limit_exceeded THEN
        RETURN NULL;
END;
$$;

INSERT INTO orleansquery (querykey, querytext) VALUES
(
    -- Zero or one row. PayloadBinary NULL with a version = cleared state: no record, but the ETag stays so the
    -- next write can name it.
    'ReadFromStorageKey', $$
SELECT payloadbinary, version
FROM orleansstorage
WHERE grainidhash = @GrainIdHash
  AND graintypehash = @GrainTypeHash
  AND grainidn0 = @GrainIdN0
  AND grainidn1 = @GrainIdN1
  AND graintypestring = @GrainTypeString
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
  AND serviceid = @ServiceId
$$
),
(
    -- One statement. @GrainStateVersion NULL: insert version 1 unless the row exists. Otherwise: update the row
    -- only if it is at that version (a concurrent writer that committed first makes the re-checked condition
    -- false). Exactly one of the two branches can write.
    'WriteToStorageKey', $$
WITH inserted AS (
    INSERT INTO orleansstorage
        (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
         payloadbinary, payloadjson, modifiedon, version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
           @ServiceId, @PayloadBinary, orleans_payload_jsonb(@PayloadBinary), now(), 1
    WHERE CAST(@GrainStateVersion AS integer) IS NULL
    ON CONFLICT (grainidhash, graintypehash, grainidn0, grainidn1, graintypestring,
                 (coalesce(grainidextensionstring, '')), serviceid) DO NOTHING
    RETURNING version
), updated AS (
    UPDATE orleansstorage
    SET payloadbinary = @PayloadBinary,
        payloadjson   = orleans_payload_jsonb(@PayloadBinary),
        modifiedon    = now(),
        version       = version + 1
    WHERE grainidhash = @GrainIdHash
      AND graintypehash = @GrainTypeHash
      AND grainidn0 = @GrainIdN0
      AND grainidn1 = @GrainIdN1
      AND graintypestring = @GrainTypeString
      AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
      AND serviceid = @ServiceId
      AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version
)
SELECT coalesce((SELECT version FROM inserted), (SELECT version FROM updated),
                CAST(@GrainStateVersion AS integer)) AS newgrainstateversion
$$
),
(
    -- Keeps the row with no payload and version + 1, so the ETag chain continues (DeleteStateOnClear = false).
    'ClearStorageKey', $$
WITH cleared AS (
    UPDATE orleansstorage
    SET payloadbinary = NULL,
        payloadjson   = NULL,
        modifiedon    = now(),
        version       = version + 1
    WHERE grainidhash = @GrainIdHash
      AND graintypehash = @GrainTypeHash
      AND grainidn0 = @GrainIdN0
      AND grainidn1 = @GrainIdN1
      AND graintypestring = @GrainTypeString
      AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
      AND serviceid = @ServiceId
      AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version
)
SELECT coalesce((SELECT version FROM cleared), CAST(@GrainStateVersion AS integer)) AS newgrainstateversion
$$
),
(
    -- DeleteStateOnClear = true: removes the row if it is at the caller's version. Success returns the deleted
    -- version + 1 (the provider only checks that it differs from the ETag, then forgets the ETag, so the next
    -- write inserts afresh).
    'DeleteStorageKey', $$
WITH deleted AS (
    DELETE FROM orleansstorage
    WHERE grainidhash = @GrainIdHash
      AND graintypehash = @GrainTypeHash
      AND grainidn0 = @GrainIdN0
      AND grainidn1 = @GrainIdN1
      AND graintypestring = @GrainTypeString
      AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
      AND serviceid = @ServiceId
      AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version
)
SELECT coalesce((SELECT version + 1 FROM deleted), CAST(@GrainStateVersion AS integer)) AS newgrainstateversion
$$
)
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
