-- Issue 18: email to customers, webhooks for other systems, Stripe's events.

-- One row per email a customer is owed, written in the same transaction as the projection of the stored change that
-- causes it (idempotent by its derived id), then sent by the web nodes' background sender.
CREATE TABLE notifications (
    notification_id  uuid          PRIMARY KEY,
    customer_id      uuid          NOT NULL,
    kind             varchar(40)   NOT NULL,
    order_id         uuid          NULL,
    case_id          uuid          NULL,
    -- Stable across retries, so a resend after a crash is recognisable as the same email.
    message_id       varchar(255)  NOT NULL UNIQUE,
    in_reply_to      varchar(255)  NULL,
    payload          jsonb         NOT NULL,
    status           varchar(20)   NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'sent', 'failed', 'bounced')),
    recipient        varchar(255)  NULL,
    attempts         integer       NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz   NOT NULL DEFAULT now(),
    locked_until     timestamptz   NULL,
    last_error       text          NULL,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    sent_at          timestamptz   NULL
);
CREATE INDEX idx_notifications_due ON notifications (next_attempt_at) WHERE status = 'queued';
CREATE INDEX idx_notifications_customer ON notifications (customer_id, created_at DESC);
CREATE INDEX idx_notifications_status ON notifications (status, created_at DESC);

-- A bounce or a permanent failure, recorded on the customer for staff to see.
ALTER TABLE customers ADD COLUMN email_undeliverable_at timestamptz NULL;
ALTER TABLE customers ADD COLUMN email_undeliverable_reason text NULL;

CREATE TABLE webhook_subscribers (
    subscriber_id    uuid          PRIMARY KEY,
    url              text          NOT NULL,
    events           text[]        NOT NULL,
    -- The signing secret, encrypted with Data Protection; shown once when the subscriber is created.
    secret           text          NOT NULL,
    enabled          boolean       NOT NULL DEFAULT true,
    disabled_reason  text          NULL,
    failing_since    timestamptz   NULL,
    created_by       uuid          NULL,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    deleted_at       timestamptz   NULL
);

CREATE TABLE webhook_deliveries (
    delivery_id      uuid          PRIMARY KEY,
    subscriber_id    uuid          NOT NULL REFERENCES webhook_subscribers (subscriber_id),
    event_id         uuid          NOT NULL,
    event_type       varchar(60)   NOT NULL,
    entity_id        uuid          NOT NULL,
    version          bigint        NOT NULL,
    payload          jsonb         NOT NULL,
    status           varchar(20)   NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'abandoned')),
    attempts         integer       NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz   NOT NULL DEFAULT now(),
    locked_until     timestamptz   NULL,
    last_status_code integer       NULL,
    last_error       text          NULL,
    first_failed_at  timestamptz   NULL,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    delivered_at     timestamptz   NULL,
    UNIQUE (subscriber_id, event_id)
);
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX idx_webhook_deliveries_entity ON webhook_deliveries (subscriber_id, entity_id, event_type, version) WHERE status = 'pending';
CREATE INDEX idx_webhook_deliveries_subscriber ON webhook_deliveries (subscriber_id, created_at DESC);

-- Stripe's webhook events applied to orders: a replayed event id is recognised and changes nothing.
CREATE TABLE stripe_events (
    event_id         varchar(255)  PRIMARY KEY,
    event_type       varchar(100)  NOT NULL,
    order_id         uuid          NULL,
    received_at      timestamptz   NOT NULL DEFAULT now()
);
