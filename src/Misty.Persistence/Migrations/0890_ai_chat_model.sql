-- Issue 15: ai_model_config also holds Misty's own models (the demand forecaster, the recommender), each recorded
-- active. The one-active-row index of 0750 made those rows collide with each other and with the chat model, and let
-- chat pick a forecaster as its model. Chat models are now marked (model_parameters.purpose = 'chat'); only one of
-- them is active at a time, and the other models keep their own flag.
DROP INDEX IF EXISTS ux_ai_model_config_active;

UPDATE ai_model_config SET model_parameters = model_parameters || '{"purpose": "chat"}'::jsonb
WHERE endpoint IS NOT NULL OR api_key_protected IS NOT NULL;

CREATE UNIQUE INDEX ux_ai_model_config_active_chat ON ai_model_config ((true)) WHERE active AND model_parameters ->> 'purpose' = 'chat';
