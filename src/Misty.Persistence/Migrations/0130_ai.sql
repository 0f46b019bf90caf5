-- Phase 4 of docs/schema.md: AI tables (recommendations, forecasts, personal recommendations, model config).

CREATE TYPE recommendation_type AS ENUM ('reorder', 'promotion', 'pricing', 'customer');
CREATE TYPE impact_level AS ENUM ('high', 'medium', 'low');
CREATE TYPE recommendation_status AS ENUM ('pending', 'accepted', 'dismissed', 'scheduled');

-- Suggestions for staff. entity_id points at an album, customer, etc. depending on recommendation_type,
-- so it cannot be a foreign key.
CREATE TABLE ai_recommendations (
    recommendation_id    uuid                  PRIMARY KEY DEFAULT gen_random_uuid(),
    recommendation_type  recommendation_type   NOT NULL,
    entity_id            uuid,
    recommendation       text                  NOT NULL,
    insight              text,
    -- 0 to 100.
    confidence_score     integer               CHECK (confidence_score BETWEEN 0 AND 100),
    impact               impact_level          NOT NULL DEFAULT 'medium',
    status               recommendation_status NOT NULL DEFAULT 'pending',
    metadata             jsonb                 NOT NULL DEFAULT '{}',
    created_at           timestamptz           NOT NULL DEFAULT now(),
    expires_at           timestamptz,
    updated_at           timestamptz           NOT NULL DEFAULT now()
);

CREATE INDEX idx_recommendations_type ON ai_recommendations (recommendation_type);
CREATE INDEX idx_recommendations_status ON ai_recommendations (status);
-- "What does the AI suggest for this album / customer".
CREATE INDEX idx_recommendations_entity ON ai_recommendations (entity_id) WHERE entity_id IS NOT NULL;

-- Model output; each forecasting run inserts new rows rather than updating old ones.
CREATE TABLE demand_forecasts (
    forecast_id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    album_id             uuid          NOT NULL REFERENCES albums (album_id) ON DELETE CASCADE,
    forecast_date        date          NOT NULL,
    predicted_demand     integer       NOT NULL CHECK (predicted_demand >= 0),
    lower_bound          integer       CHECK (lower_bound >= 0),
    upper_bound          integer       CHECK (upper_bound >= 0),
    -- Confidence level of the lower_bound..upper_bound interval as a fraction (0.95 = 95 %).
    confidence_level     numeric(5,4)  CHECK (confidence_level BETWEEN 0 AND 1),
    model_version        varchar(64)   NOT NULL,
    influencing_factors  jsonb         NOT NULL DEFAULT '{}',
    created_at           timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT demand_forecasts_bounds CHECK (lower_bound IS NULL OR upper_bound IS NULL OR lower_bound <= upper_bound)
);

CREATE INDEX idx_forecasts_album_date ON demand_forecasts (album_id, forecast_date);

-- Personal album suggestions; derived data, so it goes with its customer or album.
CREATE TABLE customer_recommendations (
    rec_id                uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id           uuid          NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    album_id              uuid          NOT NULL REFERENCES albums (album_id) ON DELETE CASCADE,
    -- 0 to 100.
    recommendation_score  numeric(5,2)  CHECK (recommendation_score BETWEEN 0 AND 100),
    reason                varchar(500),
    clicked               boolean       NOT NULL DEFAULT false,
    purchased             boolean       NOT NULL DEFAULT false,
    created_at            timestamptz   NOT NULL DEFAULT now(),
    expires_at            timestamptz,
    updated_at            timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX idx_customer_recommendations_customer ON customer_recommendations (customer_id, created_at DESC);
CREATE INDEX idx_customer_recommendations_album ON customer_recommendations (album_id);

CREATE TABLE ai_model_config (
    config_id         uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    model_name        varchar(200)  NOT NULL,
    model_provider    varchar(32)   NOT NULL CHECK (model_provider IN ('openai', 'anthropic', 'custom')),
    -- Temperature, token limits and the like. Secrets (API keys) do not belong here.
    model_parameters  jsonb         NOT NULL DEFAULT '{}',
    -- 0 to 100.
    accuracy_score    numeric(5,2)  CHECK (accuracy_score BETWEEN 0 AND 100),
    active            boolean       NOT NULL DEFAULT true,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now()
);

CREATE TRIGGER trg_ai_recommendations_updated_at BEFORE UPDATE ON ai_recommendations FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_customer_recommendations_updated_at BEFORE UPDATE ON customer_recommendations FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_ai_model_config_updated_at BEFORE UPDATE ON ai_model_config FOR EACH ROW EXECUTE FUNCTION set_updated_at();
