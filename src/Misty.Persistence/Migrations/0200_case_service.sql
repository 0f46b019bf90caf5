-- Customer service cases (issue 6): case numbers, per-person capacity, SLA columns on cases, and the case history.

-- Case numbers (CASE-yyyy-nnnnnn) take their nnnnnn from here: unique whichever silo opens the case. Seeded cases
-- keep their own CS-yyMMdd-nnn numbers, so the two never collide.
CREATE SEQUENCE case_number_seq AS bigint MINVALUE 1;

-- Open cases a staff member may hold before automatic assignment passes them by; null: the configured default.
ALTER TABLE users ADD COLUMN case_capacity integer CHECK (case_capacity >= 0);

-- The case grain's SLA state, for dashboards and SQL: whether a target was missed and the case escalated, and when
-- each running target runs out (null while the clock is paused waiting on the customer, or once hit or missed).
ALTER TABLE cases
    ADD COLUMN escalated              boolean     NOT NULL DEFAULT false,
    ADD COLUMN first_response_due_at  timestamptz,
    ADD COLUMN resolution_due_at      timestamptz;

-- Cases due soonest first, for the "about to breach" list.
CREATE INDEX idx_cases_resolution_due ON cases (resolution_due_at) WHERE resolution_due_at IS NOT NULL;

-- The history of a case, projected from its grain: assignments, status and priority changes, SLA warnings, each SLA
-- target as hit or missed, escalations, and what staff did with the AI's suggestions. Append-only.
CREATE TABLE case_events (
    event_id    uuid         PRIMARY KEY,
    case_id     uuid         NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
    event_type  varchar(32)  NOT NULL CHECK (event_type IN (
                    'opened', 'assigned', 'status_changed', 'reopened', 'priority_changed', 'category_changed',
                    'sla_paused', 'sla_resumed', 'sla_warning', 'sla_hit', 'sla_missed', 'escalated',
                    'suggestion_accepted', 'suggestion_edited', 'suggestion_dismissed')),
    -- The staff member who did it; null for the customer and for automation (triage, SLA, assignment).
    user_id     uuid         REFERENCES users (user_id) ON DELETE SET NULL,
    -- The value before and after a change, in the schema's spelling (a status, a priority, a user id).
    from_value  varchar(64),
    to_value    varchar(64),
    sla_target  varchar(16)  CHECK (sla_target IN ('first_response', 'resolution')),
    detail      text         NOT NULL,
    created_at  timestamptz  NOT NULL
);

CREATE INDEX idx_case_events_case ON case_events (case_id, created_at);
-- SLA reports read only the outcomes.
CREATE INDEX idx_case_events_sla ON case_events (created_at) WHERE event_type IN ('sla_hit', 'sla_missed');
