-- AI agents (issue 15): the chat model's endpoint and encrypted API key, the azure provider, one active model.
ALTER TABLE ai_model_config DROP CONSTRAINT ai_model_config_model_provider_check;
ALTER TABLE ai_model_config ADD CONSTRAINT ai_model_config_model_provider_check
    CHECK (model_provider IN ('openai', 'azure', 'anthropic', 'custom'));

ALTER TABLE ai_model_config
    -- The OpenAI-compatible base URL (Azure, Ollama, llama.cpp, vLLM); null for OpenAI itself.
    ADD COLUMN endpoint           text,
    -- Data Protection ciphertext of the API key, as integration credentials are kept; never the key itself.
    ADD COLUMN api_key_protected  text;

UPDATE ai_model_config SET active = false
WHERE active AND config_id <> (SELECT config_id FROM ai_model_config WHERE active ORDER BY updated_at DESC, config_id LIMIT 1);
CREATE UNIQUE INDEX ux_ai_model_config_active ON ai_model_config ((true)) WHERE active;
