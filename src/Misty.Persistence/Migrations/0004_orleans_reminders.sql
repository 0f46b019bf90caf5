-- Orleans ADO.NET reminders (Microsoft.Orleans.Reminders.AdoNet 10.4.2): one row per (grain, reminder name).
--
-- grainid is GrainId.ToString() ("type/key"); grainhash is its uniform hash as a signed int, by which each
-- silo reads the slice of the hash ring it owns; period is in milliseconds. version is the reminder's ETag:
-- 0 when created, + 1 on every upsert, and a delete only removes the version it names.

CREATE TABLE IF NOT EXISTS orleansreminderstable
(
    serviceid    varchar(150)   NOT NULL,
    grainid      varchar(150)   NOT NULL,
    remindername varchar(150)   NOT NULL,
    starttime    timestamptz(3) NOT NULL,
    period       bigint         NOT NULL,
    grainhash    integer        NOT NULL,
    version      integer        NOT NULL,

    CONSTRAINT pk_orleansreminderstable PRIMARY KEY (serviceid, grainid, remindername)
);

-- The ring-slice reads (ReadRangeRows1Key/ReadRangeRows2Key) filter on the hash; without this they would scan
-- every reminder of the service on each silo at each ring change.
CREATE INDEX IF NOT EXISTS ix_orleansreminderstable_grainhash
    ON orleansreminderstable (serviceid, grainhash);

INSERT INTO orleansquery (querykey, querytext) VALUES
(
    -- Create or overwrite (registering a reminder again replaces it, whatever its version); returns the new
    -- version. @Period arrives as int or bigint depending on its size.
    'UpsertReminderRowKey', $$
INSERT INTO orleansreminderstable AS r
    (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, CAST(@Period AS bigint), @GrainHash, 0)
ON CONFLICT ON CONSTRAINT pk_orleansreminderstable DO UPDATE
SET starttime = excluded.starttime,
    period    = excluded.period,
    grainhash = excluded.grainhash,
    version   = r.version + 1
RETURNING r.version AS version
$$
),
(
    'ReadReminderRowsKey', $$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId
  AND grainid = @GrainId
$$
),
(
    'ReadReminderRowKey', $$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId
  AND grainid = @GrainId
  AND remindername = @ReminderName
$$
),
(
    -- The slice (@BeginHash, @EndHash] when it does not wrap around in signed order (the provider picks this
    -- query when (int)begin < (int)end).
    'ReadRangeRows1Key', $$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId
  AND grainhash > @BeginHash
  AND grainhash <= @EndHash
$$
),
(
    -- The slice that wraps: above @BeginHash or up to @EndHash. With begin = end this is the whole ring.
    'ReadRangeRows2Key', $$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId
  AND (grainhash > @BeginHash OR grainhash <= @EndHash)
$$
),
(
    -- Deletes only the version the caller holds. Always one row: the number of rows deleted (1 or 0).
    'DeleteReminderRowKey', $$
WITH deleted AS (
    DELETE FROM orleansreminderstable
    WHERE serviceid = @ServiceId
      AND grainid = @GrainId
      AND remindername = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT count(*)::integer AS deleted FROM deleted
$$
),
(
    'DeleteReminderRowsKey', $$
DELETE FROM orleansreminderstable
WHERE serviceid = @ServiceId
$$
)
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
