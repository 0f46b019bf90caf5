-- Staff accounts and API security (issue 8): login lockout, case-insensitive unique emails, one live row per
-- integration, and an index for reading the audit trail.

-- Consecutive failed password checks since the last success or lockout, and the end of the current lockout.
ALTER TABLE users
    ADD COLUMN failed_logins  integer     NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    ADD COLUMN locked_until   timestamptz;

-- Logins look emails up case-insensitively, so two accounts may not differ only by case.
CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));

-- PUT /api/integrations/{serviceName} addresses an integration by its name: one live row per service.
CREATE UNIQUE INDEX ux_integrations_service_name ON integrations (service_name) WHERE deleted_at IS NULL;

-- Audit rows are system_logs rows with source 'audit'; reviews read them newest first.
CREATE INDEX idx_system_logs_source ON system_logs (source, created_at DESC);
