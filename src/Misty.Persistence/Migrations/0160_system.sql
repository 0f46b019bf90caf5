-- System tables: the logs, integrations of docs/schema.md, plus two the application itself needs
-- (storefront API keys and ASP.NET Core Data Protection keys). users is in 0100 because others reference it.

CREATE TYPE log_level AS ENUM ('info', 'warning', 'error', 'critical');

-- Append-only application log for the dashboards; not a replacement for structured host logging.
CREATE TABLE system_logs (
    log_id      uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    log_level   log_level    NOT NULL DEFAULT 'info',
    source      varchar(200) NOT NULL,
    message     text         NOT NULL,
    metadata    jsonb        NOT NULL DEFAULT '{}',
    created_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX idx_system_logs_created ON system_logs (created_at DESC);
CREATE INDEX idx_system_logs_level ON system_logs (log_level, created_at DESC);

-- External services (stripe, shopify, sendgrid, ...).
CREATE TABLE integrations (
    integration_id  uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    service_name    varchar(100)  NOT NULL,
    category        varchar(100),
    connected       boolean       NOT NULL DEFAULT false,
    -- References to secrets (or ciphertext), never plaintext: anyone with SQL access can read this table.
    credentials     jsonb         NOT NULL DEFAULT '{}',
    settings        jsonb         NOT NULL DEFAULT '{}',
    last_sync       timestamptz,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);

-- Storefront API keys. Only a SHA-256 hash of each key is stored, so a database leak yields no usable key;
-- key_prefix (the first characters of the key) lets staff tell keys apart without revealing them.
CREATE TABLE api_keys (
    api_key_id    uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text         NOT NULL,
    key_prefix    varchar(16)  NOT NULL,
    key_hash      bytea        NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    scope         text         NOT NULL DEFAULT 'storefront',
    created_at    timestamptz  NOT NULL DEFAULT now(),
    -- Revoked keys stay for the audit trail; authentication requires revoked_at IS NULL.
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

-- Key ring of ASP.NET Core Data Protection (cookies, antiforgery), shared by every Misty.Web node so that
-- any node can read what another node protected.
CREATE TABLE data_protection_keys (
    id             serial      PRIMARY KEY,
    friendly_name  text,
    xml            text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER trg_integrations_updated_at BEFORE UPDATE ON integrations FOR EACH ROW EXECUTE FUNCTION set_updated_at();
