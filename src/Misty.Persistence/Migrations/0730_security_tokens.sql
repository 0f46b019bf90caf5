-- Security review (issue 22): storefront keys of two kinds, revocable staff tokens and customer tokens.

-- 'public' keys are safe in a browser and never see a customer's data without that customer's token; 'server' keys
-- belong to the site's backend and mint customer tokens. Keys made before kinds existed were all-powerful: server.
ALTER TABLE api_keys
    ADD COLUMN kind text NOT NULL DEFAULT 'server' CHECK (kind IN ('public', 'server'));

-- Bearer tokens carry the stamp they were issued under; a password change, role change, deactivation or logout
-- draws a new one, which ends every token issued before it.
ALTER TABLE users
    ADD COLUMN security_stamp uuid NOT NULL DEFAULT gen_random_uuid();

-- The same for customer tokens, per customer; a customer without a row has never had tokens revoked.
CREATE TABLE customer_token_stamps (
    customer_id  uuid        PRIMARY KEY,
    stamp        uuid        NOT NULL,
    revoked_at   timestamptz NOT NULL DEFAULT now()
);
