-- Workflow runs (issue 7): what started each run, and which failed run a retry repeats.

ALTER TABLE workflow_executions
    ADD COLUMN trigger_type workflow_trigger_type NOT NULL DEFAULT 'manual',
    -- No foreign key: rows are projections of grains and may arrive (or be rebuilt) in any order.
    ADD COLUMN retry_of uuid;

CREATE INDEX idx_executions_retry_of ON workflow_executions (retry_of) WHERE retry_of IS NOT NULL;
-- A workflow's run history, newest first.
CREATE INDEX idx_executions_workflow_time ON workflow_executions (workflow_id, start_time DESC);
