-- Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet 10.4.2): the membership table of every
-- cluster (DeploymentId = ClusterId) and the one version row that guards it.
--
-- Protocol: a silo reads the table together with its version, then writes one row while claiming "the table is
-- still at version N". A write succeeds (returns 1) only if the version is still N, and then moves it to N+1 in
-- the same transaction; otherwise it returns 0, writes nothing, and the silo re-reads and retries. Heartbeats
-- (UpdateIAmAlivetimeKey) only move a silo's IAmAliveTime forward and never touch the version, so a write
-- based on a read taken before a heartbeat still succeeds.

CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150)   NOT NULL,
    timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT pk_orleansmembershipversiontable PRIMARY KEY (deploymentid)
);

CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150)   NOT NULL,
    address      varchar(45)    NOT NULL,  -- IP address text, IPv6 at most 45 characters
    port         integer        NOT NULL,
    generation   integer        NOT NULL,
    -- text: a length cap on names Orleans takes from the host would only turn a long host name into a
    -- failed silo start.
    siloname     text           NOT NULL,
    hostname     text           NOT NULL,
    status       integer        NOT NULL,  -- SiloStatus: 1 Created .. 3 Active .. 6 Dead
    -- NOT NULL although Orleans' own schema allows NULL: the provider reads it with GetInt32, which fails on
    -- NULL, and it always binds a value (0 = no gateway).
    proxyport    integer        NOT NULL,
    suspecttimes text           NULL,      -- "silo,time|silo,time": the votes against this silo
    starttime    timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,

    CONSTRAINT pk_orleansmembershiptable PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT fk_orleansmembershiptable_version FOREIGN KEY (deploymentid)
        REFERENCES orleansmembershipversiontable (deploymentid)
);

-- Inserts a silo's row if the table is still at expected_version, and bumps the version with it.
-- Returns 1 on success, 0 when the version moved on, the row already exists, or the deployment has no version
-- row. The checks come first and the writes last, so a 0 never leaves anything behind to roll back.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    deployment_id    text,
    silo_address     text,
    silo_port        integer,
    silo_generation  integer,
    silo_name        text,
    host_name        text,
    silo_status      integer,
    proxy_port       integer,
    start_time       timestamptz,
    i_am_alive_time  timestamptz,
    expected_version integer)
RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the version row only while it still holds the version the caller read. Every membership writer
    -- locks it first, so writers of one cluster queue here; one that waited re-checks the condition against
    -- the row its predecessor committed (READ COMMITTED) and gets no row when the version has moved.
    -- The upper bound turns an exhausted version into a clean 0 instead of an integer overflow error.
    PERFORM 1
    FROM orleansmembershipversiontable
    WHERE deploymentid = deployment_id
      AND version = expected_version
      AND version < 2147483647
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport,
         suspecttimes, starttime, iamalivetime)
    VALUES
        (deployment_id, silo_address, silo_port, silo_generation, silo_name, host_name, silo_status, proxy_port,
         NULL, start_time, i_am_alive_time)
    ON CONFLICT ON CONSTRAINT pk_orleansmembershiptable DO NOTHING;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid = deployment_id;
    RETURN 1;
END;
$$;

-- Updates a silo's status and votes if the table is still at expected_version, and bumps the version with
-- it. Same return values and locking as orleans_membership_insert. IAmAliveTime only moves forward: the
-- caller's value may be older than a heartbeat the silo wrote after the caller read the table.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    deployment_id    text,
    silo_address     text,
    silo_port        integer,
    silo_generation  integer,
    silo_status      integer,
    suspect_times    text,
    i_am_alive_time  timestamptz,
    expected_version integer)
RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1
    FROM orleansmembershipversiontable
    WHERE deploymentid = deployment_id
      AND version = expected_version
      AND version < 2147483647
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleansmembershiptable
    SET status       = silo_status,
        suspecttimes = suspect_times,
        iamalivetime = GREATEST(iamalivetime, i_am_alive_time)
    WHERE deploymentid = deployment_id
      AND address = silo_address
      AND port = silo_port
      AND generation = silo_generation;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid = deployment_id;
    RETURN 1;
END;
$$;

INSERT INTO orleansquery (querykey, querytext) VALUES
(
    -- Creates the cluster's version row (version 0) unless it exists. One row: 1 created, 0 already there.
    'InsertMembershipVersionKey', $$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer AS created FROM created
$$
),
(
    -- One row per member plus the table version; the LEFT JOIN yields one all-NULL member row (NULL
    -- StartTime = no member) when there is none, which the provider needs to learn the version. One statement,
    -- one snapshot: members and version are always consistent.
    'MembershipReadAllKey', $$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId
$$
),
(
    'MembershipReadRowKey', $$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId
$$
),
(
    'InsertMembershipKey', $$
SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                                 @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS inserted
$$
),
(
    'UpdateMembershipKey', $$
SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                 @IAmAliveTime, @Version) AS updated
$$
),
(
    -- Heartbeat: never bumps the version, never moves the time backwards (a delayed heartbeat arriving after
    -- a newer one, or after an update that carried a newer time, changes nothing).
    'UpdateIAmAlivetimeKey', $$
UPDATE orleansmembershiptable
SET iamalivetime = GREATEST(iamalivetime, @IAmAliveTime)
WHERE deploymentid = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
$$
),
(
    -- Active silos that accept clients (ProxyPort > 0); the provider binds @Status = 3 (Active).
    'GatewaysQueryKey', $$
SELECT address, proxyport, generation
FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId
  AND status = @Status
  AND proxyport > 0
$$
),
(
    -- Removes a whole cluster. One statement, so members and version go together; the foreign key is checked
    -- at the end of the statement, after both deletes.
    'DeleteMembershipTableEntriesKey', $$
WITH members AS (
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId
)
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId
$$
),
(
    -- Fallback cleanup (the provider uses CleanupDefunctSiloEntryKey below when it exists): only Dead (6) rows
    -- whose start and last heartbeat are both older than the cut-off; live or suspected silos are never
    -- removed. No version bump: a Dead row takes no further part in the protocol.
    'CleanupDefunctSiloEntriesKey', $$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId
  AND status = 6
  AND iamalivetime < @IAmAliveTime
  AND starttime < @IAmAliveTime
$$
),
(
    -- Optional in 10.4.2: the provider reads all rows, picks Dead rows whose start, heartbeat and votes are
    -- all older than the cut-off, and deletes each by the exact values it read, so a row changed since then
    -- stays. Empty and absent votes are the same to the provider (it reads both as none), so compare them
    -- as equal here.
    'CleanupDefunctSiloEntryKey', $$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
  AND status = 6
  AND starttime = @StartTime
  AND iamalivetime = @IAmAliveTime
  AND coalesce(suspecttimes, '') = coalesce(@SuspectTimes, '')
$$
)
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
