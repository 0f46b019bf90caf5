-- Phase 1 of docs/schema.md: core business tables (users, customers, catalogue, orders).
--
-- Conventions shared by every Misty migration (0100 onwards):
--   * uuid keys default to gen_random_uuid() (built into PostgreSQL 13+, no extension needed).
--   * money is numeric(12,2); timestamps are timestamptz; json is jsonb.
--   * every table has created_at; tables whose rows are updated in place have updated_at, kept current by
--     the set_updated_at() trigger defined below.
--   * soft delete (nullable deleted_at; readers filter on deleted_at IS NULL) applies to:
--       customers, albums, genres, labels, suppliers, supplier_pricing, reviews, workflows, integrations, users.
--     Other tables are either owned by one of these (order items, case messages), ledgers and logs that are
--     never deleted, or state machines whose end states (cancelled, closed, revoked) already retire a row.
--   * tables that mirror Orleans grain state (customers, orders, payments, shipments, inventory, cases,
--     workflows, workflow_executions) carry version: the entity version the row reflects. Projections write a
--     row only when their version is newer, so replays and rebuilds are idempotent.
--   * indexes named in the Key Indexes section of schema.md keep those exact names. Where such an index is
--     on a unique-key column, the unique constraint itself carries the name, so one index serves both.
--   * scripts avoid dollar-delimited words other than the bare double dollar, because DbUp substitutes them
--     as variables.

-- Maintains updated_at on every UPDATE. A statement that sets updated_at itself (a projection copying the
-- grain's own change time) is respected; otherwise the row gets the transaction time.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

CREATE TYPE user_role AS ENUM ('admin', 'manager', 'staff', 'system');
CREATE TYPE customer_status AS ENUM ('active', 'inactive', 'vip');
CREATE TYPE order_status AS ENUM ('pending', 'processing', 'shipped', 'delivered', 'cancelled');
CREATE TYPE sales_channel AS ENUM ('in-store', 'online', 'phone', 'corporate');
CREATE TYPE payment_method AS ENUM ('card', 'cash', 'bank_transfer');
CREATE TYPE payment_status AS ENUM ('pending', 'completed', 'failed', 'refunded');
CREATE TYPE shipment_status AS ENUM ('preparing', 'shipped', 'in_transit', 'delivered');

-- Staff and service accounts. Created first because cases, case messages and stock movements reference it.
CREATE TABLE users (
    user_id        uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    email          varchar(320) NOT NULL UNIQUE,
    -- Null for role system: service accounts cannot log in with a password.
    password_hash  text,
    first_name     varchar(100) NOT NULL,
    last_name      varchar(100) NOT NULL,
    role           user_role    NOT NULL DEFAULT 'staff',
    active         boolean      NOT NULL DEFAULT true,
    last_login     timestamptz,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    deleted_at     timestamptz
);

CREATE TABLE customers (
    customer_id      uuid            PRIMARY KEY DEFAULT gen_random_uuid(),
    email            varchar(320)    NOT NULL,
    first_name       varchar(100)    NOT NULL,
    last_name        varchar(100)    NOT NULL,
    phone            varchar(32),
    address          text,
    date_joined      date            NOT NULL DEFAULT CURRENT_DATE,
    lifetime_value   numeric(12,2)   NOT NULL DEFAULT 0 CHECK (lifetime_value >= 0),
    total_purchases  integer         NOT NULL DEFAULT 0 CHECK (total_purchases >= 0),
    -- Free text (a genre name), not a key: customers state preferences the catalogue may not have.
    preferred_genre  varchar(100),
    status           customer_status NOT NULL DEFAULT 'active',
    created_at       timestamptz     NOT NULL DEFAULT now(),
    updated_at       timestamptz     NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    version          bigint          NOT NULL DEFAULT 0 CHECK (version >= 0),
    -- The UK on email; named after the schema.md index so one index serves lookups and uniqueness.
    CONSTRAINT idx_customers_email UNIQUE (email)
);

CREATE INDEX idx_customers_status ON customers (status);
CREATE INDEX idx_customers_lifetime_value ON customers (lifetime_value DESC);

CREATE TABLE genres (
    genre_id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    name              varchar(100)  NOT NULL UNIQUE,
    description       text,
    -- Average gross margin in percent (42.50 = 42.5 %); negative when sold below cost.
    avg_margin        numeric(5,2)  CHECK (avg_margin <= 100),
    popularity_score  integer       CHECK (popularity_score BETWEEN 0 AND 100),
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    deleted_at        timestamptz
);

CREATE TABLE labels (
    label_id      uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    name          varchar(200)  NOT NULL UNIQUE,
    country       varchar(100),
    founded_year  integer       CHECK (founded_year BETWEEN 1850 AND 2100),
    created_at    timestamptz   NOT NULL DEFAULT now(),
    updated_at    timestamptz   NOT NULL DEFAULT now(),
    deleted_at    timestamptz
);

CREATE TABLE albums (
    album_id         uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    sku              varchar(64)   NOT NULL,
    title            varchar(300)  NOT NULL,
    artist           varchar(300)  NOT NULL,
    -- Lookups are optional and survive their removal: the album stays, uncategorised.
    genre_id         uuid          REFERENCES genres (genre_id) ON DELETE SET NULL,
    label_id         uuid          REFERENCES labels (label_id) ON DELETE SET NULL,
    release_year     integer       CHECK (release_year BETWEEN 1880 AND 2100),
    price            numeric(12,2) NOT NULL CHECK (price >= 0),
    cost             numeric(12,2) CHECK (cost >= 0),
    -- Goldmine grade of the record; null while incoming stock is not yet graded.
    condition        varchar(3)    CHECK (condition IN ('M', 'NM', 'VG+', 'VG', 'G+', 'G', 'F', 'P')),
    description      text,
    is_rare          boolean       NOT NULL DEFAULT false,
    estimated_value  numeric(12,2) CHECK (estimated_value >= 0),
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    -- The UK on sku, carrying the schema.md index name.
    CONSTRAINT idx_albums_sku UNIQUE (sku)
);

CREATE INDEX idx_albums_genre ON albums (genre_id);
CREATE INDEX idx_albums_artist ON albums (artist);
CREATE INDEX idx_albums_price ON albums (price);
CREATE INDEX idx_albums_label ON albums (label_id);

CREATE TABLE orders (
    order_id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    order_number      varchar(32)   NOT NULL UNIQUE,
    -- Customers are soft-deleted, so a customer with orders is never removed from under them.
    customer_id       uuid          NOT NULL REFERENCES customers (customer_id),
    subtotal          numeric(12,2) NOT NULL DEFAULT 0 CHECK (subtotal >= 0),
    tax               numeric(12,2) NOT NULL DEFAULT 0 CHECK (tax >= 0),
    shipping_fee      numeric(12,2) NOT NULL DEFAULT 0 CHECK (shipping_fee >= 0),
    total             numeric(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
    status            order_status  NOT NULL DEFAULT 'pending',
    channel           sales_channel NOT NULL DEFAULT 'online',
    shipping_address  text,
    order_date        timestamptz   NOT NULL DEFAULT now(),
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    version           bigint        NOT NULL DEFAULT 0 CHECK (version >= 0)
);

CREATE INDEX idx_orders_customer ON orders (customer_id);
CREATE INDEX idx_orders_status ON orders (status);
CREATE INDEX idx_orders_date ON orders (order_date DESC);
CREATE INDEX idx_orders_channel ON orders (channel);

-- Lines, payments and shipments are parts of their order (the order grain owns them), so they go with it.
CREATE TABLE order_items (
    order_item_id  uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id       uuid          NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    album_id       uuid          NOT NULL REFERENCES albums (album_id),
    quantity       integer       NOT NULL CHECK (quantity > 0),
    unit_price     numeric(12,2) NOT NULL CHECK (unit_price >= 0),
    -- Amount taken off the line, in money (not a percentage).
    discount       numeric(12,2) NOT NULL DEFAULT 0 CHECK (discount >= 0),
    total          numeric(12,2) NOT NULL CHECK (total >= 0),
    created_at     timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX idx_order_items_order ON order_items (order_id);
-- Best-seller and "who bought this" queries go from album to lines.
CREATE INDEX idx_order_items_album ON order_items (album_id);

CREATE TABLE payments (
    payment_id      uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id        uuid           NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    amount          numeric(12,2)  NOT NULL CHECK (amount >= 0),
    payment_method  payment_method NOT NULL,
    status          payment_status NOT NULL DEFAULT 'pending',
    -- The payment processor's reference, not a Misty key.
    transaction_id  varchar(128),
    fraud_flagged   boolean        NOT NULL DEFAULT false,
    -- 0 (no risk) to 100 (certain fraud).
    fraud_score     numeric(5,2)   CHECK (fraud_score BETWEEN 0 AND 100),
    payment_date    timestamptz,
    created_at      timestamptz    NOT NULL DEFAULT now(),
    updated_at      timestamptz    NOT NULL DEFAULT now(),
    version         bigint         NOT NULL DEFAULT 0 CHECK (version >= 0)
);

CREATE INDEX idx_payments_order ON payments (order_id);
-- The fraud review queue reads only flagged payments.
CREATE INDEX idx_payments_flagged ON payments (created_at DESC) WHERE fraud_flagged;

CREATE TABLE shipments (
    shipment_id         uuid            PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id            uuid            NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    tracking_number     varchar(100),
    carrier             varchar(100),
    status              shipment_status NOT NULL DEFAULT 'preparing',
    shipped_date        timestamptz,
    estimated_delivery  timestamptz,
    actual_delivery     timestamptz,
    created_at          timestamptz     NOT NULL DEFAULT now(),
    updated_at          timestamptz     NOT NULL DEFAULT now(),
    version             bigint          NOT NULL DEFAULT 0 CHECK (version >= 0)
);

CREATE INDEX idx_shipments_order ON shipments (order_id);
CREATE INDEX idx_shipments_tracking ON shipments (tracking_number) WHERE tracking_number IS NOT NULL;

CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_customers_updated_at BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_genres_updated_at BEFORE UPDATE ON genres FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_labels_updated_at BEFORE UPDATE ON labels FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_albums_updated_at BEFORE UPDATE ON albums FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_orders_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_payments_updated_at BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_shipments_updated_at BEFORE UPDATE ON shipments FOR EACH ROW EXECUTE FUNCTION set_updated_at();
