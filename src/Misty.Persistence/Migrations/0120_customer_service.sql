-- Phase 3 of docs/schema.md: customer service (cases, case messages, reviews, customer interactions).

CREATE TYPE case_category AS ENUM ('order_issue', 'product_question', 'return', 'technical', 'general');
CREATE TYPE case_status AS ENUM ('pending', 'in_progress', 'resolved', 'closed');
CREATE TYPE interaction_type AS ENUM ('email', 'phone', 'chat', 'in_store', 'online');

-- Projection of the per-case grain.
CREATE TABLE cases (
    case_id        uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    case_number    varchar(32)    NOT NULL UNIQUE,
    customer_id    uuid           NOT NULL REFERENCES customers (customer_id),
    subject        varchar(300)   NOT NULL,
    description    text,
    category       case_category  NOT NULL DEFAULT 'general',
    priority       priority_level NOT NULL DEFAULT 'medium',
    status         case_status    NOT NULL DEFAULT 'pending',
    -- Staff member handling the case; the case returns to the unassigned pool if the user row goes.
    assigned_to    uuid           REFERENCES users (user_id) ON DELETE SET NULL,
    ai_sentiment   varchar(16)    CHECK (ai_sentiment IN ('happy', 'neutral', 'frustrated', 'angry')),
    -- AI urgency score, 0 (can wait) to 100 (act now).
    ai_score       integer        CHECK (ai_score BETWEEN 0 AND 100),
    ai_suggestion  text,
    created_at     timestamptz    NOT NULL DEFAULT now(),
    resolved_at    timestamptz,
    updated_at     timestamptz    NOT NULL DEFAULT now(),
    version        bigint         NOT NULL DEFAULT 0 CHECK (version >= 0)
);

CREATE INDEX idx_cases_customer ON cases (customer_id);
CREATE INDEX idx_cases_status ON cases (status);
CREATE INDEX idx_cases_priority ON cases (priority);
CREATE INDEX idx_cases_assigned ON cases (assigned_to);

-- The conversation of a case: append-only, removed only with its case.
CREATE TABLE case_messages (
    message_id     uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id        uuid        NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
    -- The staff author; null for messages from the customer (and from automation).
    user_id        uuid        REFERENCES users (user_id) ON DELETE SET NULL,
    message        text        NOT NULL,
    is_internal    boolean     NOT NULL DEFAULT false,
    from_customer  boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- Internal notes are staff-only; a customer cannot write one.
    CONSTRAINT case_messages_internal_not_from_customer CHECK (NOT (is_internal AND from_customer))
);

CREATE INDEX idx_case_messages_case ON case_messages (case_id, created_at);

CREATE TABLE reviews (
    review_id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id        uuid          NOT NULL REFERENCES customers (customer_id),
    album_id           uuid          NOT NULL REFERENCES albums (album_id),
    rating             integer       NOT NULL CHECK (rating BETWEEN 1 AND 5),
    review_text        text,
    sentiment          varchar(16)   CHECK (sentiment IN ('positive', 'neutral', 'negative')),
    -- Compound sentiment score of review_text, from -1 (most negative) to 1 (most positive).
    sentiment_score    numeric(5,4)  CHECK (sentiment_score BETWEEN -1 AND 1),
    verified_purchase  boolean       NOT NULL DEFAULT false,
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    deleted_at         timestamptz
);

CREATE INDEX idx_reviews_album ON reviews (album_id);
CREATE INDEX idx_reviews_customer ON reviews (customer_id);

-- Contact history across channels: append-only.
CREATE TABLE customer_interactions (
    interaction_id    uuid             PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id       uuid             NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    interaction_type  interaction_type NOT NULL,
    summary           text,
    -- schema.md lists no values for this column, so it is left open.
    sentiment         varchar(32),
    interaction_date  timestamptz      NOT NULL DEFAULT now(),
    created_at        timestamptz      NOT NULL DEFAULT now()
);

CREATE INDEX idx_customer_interactions_customer ON customer_interactions (customer_id, interaction_date DESC);

CREATE TRIGGER trg_cases_updated_at BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_reviews_updated_at BEFORE UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION set_updated_at();
