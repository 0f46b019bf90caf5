-- Merchandising insights (issue 17): the lifecycle of ai_recommendations rows (accept, dismiss, schedule) and the
-- engines' entries in ai_model_config beside the chat model.

ALTER TABLE ai_recommendations
    -- Grows by one per change of the row, so a live view keeps the newest.
    ADD COLUMN version        bigint       NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- The day a scheduled insight is to be acted on.
    ADD COLUMN scheduled_for  date,
    ADD COLUMN decided_at     timestamptz,
    -- The audit actor who accepted, dismissed or scheduled it ("user:<id>", "agent:<name>").
    ADD COLUMN decided_by     varchar(200);

-- "Is this reason already raised for this subject": the nightly run asks it for every candidate.
CREATE INDEX idx_recommendations_subject ON ai_recommendations (recommendation_type, entity_id, expires_at);

-- The forecaster, the recommender and the insights engine register here with their accuracy, like the chat model;
-- only the chat model is "the active one", so the one-active rule applies to chat models alone.
ALTER TABLE ai_model_config
    ADD COLUMN model_kind varchar(16) NOT NULL DEFAULT 'chat' CHECK (model_kind IN ('chat', 'engine'));
UPDATE ai_model_config SET model_kind = 'engine'
WHERE model_name IN ('Misty demand forecaster', 'misty-recommender', 'misty-insights') AND endpoint IS NULL AND api_key_protected IS NULL;
DROP INDEX ux_ai_model_config_active;
CREATE UNIQUE INDEX ux_ai_model_config_active ON ai_model_config ((true)) WHERE active AND model_kind = 'chat';
CREATE UNIQUE INDEX ux_ai_model_config_engine ON ai_model_config (model_name) WHERE model_kind = 'engine';
