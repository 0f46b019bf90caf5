-- Orleans' ADO.NET providers (clustering, persistence, reminders) issue no SQL of their own: at start-up each
-- runs "SELECT QueryKey, QueryText FROM OrleansQuery", caches the texts and afterwards executes them by key,
-- binding parameters by bare name (@DeploymentId ...) and reading result columns by name. The feature scripts
-- 0002-0004 create their tables and upsert their query texts here in the same transaction.
--
-- Conventions for 0001-0004:
--   * unquoted identifiers, so PostgreSQL folds them to lower case; Orleans looks result columns up
--     case-insensitively, so "Version" finds version.
--   * every script is re-runnable: IF NOT EXISTS for tables and indexes, CREATE OR REPLACE for functions, and
--     query texts upserted (ON CONFLICT DO UPDATE), so a later migration can replace a query by upserting it.
--     A running silo keeps the texts it cached at start-up; restart it to pick up a change.
--   * only the bare double dollar delimits bodies and texts: DbUp would substitute a tagged one as a variable.
--   * a query that Orleans reads as a single value (success flag, new version) returns exactly one row even
--     when nothing matched, because the provider reads the first row and treats "no row" differently from 0.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    -- text rather than Orleans' varchar(8000): the provider reads it as a string, and no query should fail to
    -- install because of a length cap.
    querytext text        NOT NULL,

    CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
);
