-- Phase 6 of docs/schema.md: workflow automation.

CREATE TYPE workflow_trigger_type AS ENUM ('schedule', 'event', 'manual', 'api');
CREATE TYPE execution_status AS ENUM ('running', 'complete', 'error', 'blocked');

-- Projection of the per-workflow grain.
CREATE TABLE workflows (
    workflow_id      uuid                  PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Unique across deleted rows too, so a name always identifies one workflow in history.
    name             varchar(200)          NOT NULL UNIQUE,
    description      text,
    trigger_type     workflow_trigger_type NOT NULL DEFAULT 'manual',
    -- Cron expression, event name, etc., depending on trigger_type.
    trigger_config   jsonb                 NOT NULL DEFAULT '{}',
    enabled          boolean               NOT NULL DEFAULT true,
    execution_count  integer               NOT NULL DEFAULT 0 CHECK (execution_count >= 0),
    -- Percent of executions that completed, 0 to 100.
    success_rate     numeric(5,2)          CHECK (success_rate BETWEEN 0 AND 100),
    avg_duration_ms  numeric(14,2)         CHECK (avg_duration_ms >= 0),
    created_at       timestamptz           NOT NULL DEFAULT now(),
    updated_at       timestamptz           NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    version          bigint                NOT NULL DEFAULT 0 CHECK (version >= 0)
);

-- Projection of the per-run grain. Runs are the history of their workflow and go with it.
CREATE TABLE workflow_executions (
    execution_id         uuid             PRIMARY KEY DEFAULT gen_random_uuid(),
    workflow_id          uuid             NOT NULL REFERENCES workflows (workflow_id) ON DELETE CASCADE,
    -- Human-readable run number shown on dashboards.
    execution_number     varchar(32)      NOT NULL,
    status               execution_status NOT NULL DEFAULT 'running',
    description          text,
    progress_percentage  integer          NOT NULL DEFAULT 0 CHECK (progress_percentage BETWEEN 0 AND 100),
    start_time           timestamptz      NOT NULL DEFAULT now(),
    end_time             timestamptz,
    duration_ms          integer          CHECK (duration_ms >= 0),
    -- Step-by-step log entries, oldest first.
    execution_log        jsonb            NOT NULL DEFAULT '[]',
    error_message        text,
    created_at           timestamptz      NOT NULL DEFAULT now(),
    updated_at           timestamptz      NOT NULL DEFAULT now(),
    version              bigint           NOT NULL DEFAULT 0 CHECK (version >= 0)
);

CREATE INDEX idx_executions_workflow ON workflow_executions (workflow_id);
CREATE INDEX idx_executions_status ON workflow_executions (status);
CREATE INDEX idx_executions_time ON workflow_executions (start_time DESC);

CREATE TRIGGER trg_workflows_updated_at BEFORE UPDATE ON workflows FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_workflow_executions_updated_at BEFORE UPDATE ON workflow_executions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
