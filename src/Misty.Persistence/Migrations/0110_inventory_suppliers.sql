-- Phase 2 of docs/schema.md: inventory and supplier management.

CREATE TYPE inventory_transaction_type AS ENUM ('restock', 'sale', 'adjustment', 'return');
-- Shared by cases.priority (0120) and reorder_queue.priority.
CREATE TYPE priority_level AS ENUM ('critical', 'high', 'medium', 'low');
CREATE TYPE reorder_status AS ENUM ('pending', 'approved', 'ordered', 'received');

-- Projection of the per-album inventory grain: exactly one row per album.
CREATE TABLE inventory (
    inventory_id         uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    album_id             uuid           NOT NULL REFERENCES albums (album_id) ON DELETE CASCADE,
    quantity             integer        NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    -- Units promised to open carts and orders; they are still on the shelf, so never more than quantity.
    reserved_quantity    integer        NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0),
    reorder_point        integer        NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
    optimal_stock_level  integer        NOT NULL DEFAULT 0 CHECK (optimal_stock_level >= 0),
    -- Units sold per period over average stock; a ratio, not money.
    turnover_rate        numeric(10,4)  NOT NULL DEFAULT 0 CHECK (turnover_rate >= 0),
    days_in_stock        integer        NOT NULL DEFAULT 0 CHECK (days_in_stock >= 0),
    last_restock_date    timestamptz,
    created_at           timestamptz    NOT NULL DEFAULT now(),
    updated_at           timestamptz    NOT NULL DEFAULT now(),
    version              bigint         NOT NULL DEFAULT 0 CHECK (version >= 0),
    CONSTRAINT inventory_reserved_within_quantity CHECK (reserved_quantity <= quantity),
    -- One inventory row per album; the unique constraint carries the schema.md index name.
    CONSTRAINT idx_inventory_album UNIQUE (album_id)
);

CREATE INDEX idx_inventory_quantity ON inventory (quantity);
CREATE INDEX idx_inventory_turnover ON inventory (turnover_rate DESC);

-- Stock ledger: append-only, one row per movement.
CREATE TABLE inventory_transactions (
    transaction_id    uuid                       PRIMARY KEY DEFAULT gen_random_uuid(),
    inventory_id      uuid                       NOT NULL REFERENCES inventory (inventory_id) ON DELETE CASCADE,
    -- Set for sales and returns; the movement outlives the order row.
    order_id          uuid                       REFERENCES orders (order_id) ON DELETE SET NULL,
    transaction_type  inventory_transaction_type NOT NULL,
    -- Signed: positive adds stock (restock, return), negative removes it (sale).
    quantity_change   integer                    NOT NULL,
    unit_price        numeric(12,2)              CHECK (unit_price >= 0),
    notes             text,
    -- Null for changes made by the system itself (sales from the storefront, automated restocks).
    user_id           uuid                       REFERENCES users (user_id) ON DELETE SET NULL,
    created_at        timestamptz                NOT NULL DEFAULT now()
);

CREATE INDEX idx_inventory_transactions_inventory ON inventory_transactions (inventory_id, created_at DESC);
CREATE INDEX idx_inventory_transactions_order ON inventory_transactions (order_id) WHERE order_id IS NOT NULL;

CREATE TABLE suppliers (
    supplier_id        uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    name               varchar(200)  NOT NULL,
    email              varchar(320),
    phone              varchar(32),
    address            text,
    avg_delivery_days  numeric(6,2)  CHECK (avg_delivery_days >= 0),
    -- 0 (unreliable) to 100 (always on time and complete).
    reliability_score  numeric(5,2)  CHECK (reliability_score BETWEEN 0 AND 100),
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    deleted_at         timestamptz
);

-- A supplier price list: the price of one album from one supplier over a date range.
CREATE TABLE supplier_pricing (
    pricing_id              uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    supplier_id             uuid          NOT NULL REFERENCES suppliers (supplier_id) ON DELETE CASCADE,
    album_id                uuid          NOT NULL REFERENCES albums (album_id) ON DELETE CASCADE,
    unit_price              numeric(12,2) NOT NULL CHECK (unit_price >= 0),
    minimum_order_quantity  integer       NOT NULL DEFAULT 1 CHECK (minimum_order_quantity >= 1),
    effective_from          date          NOT NULL DEFAULT CURRENT_DATE,
    -- Null while the price is open-ended.
    effective_to            date,
    created_at              timestamptz   NOT NULL DEFAULT now(),
    updated_at              timestamptz   NOT NULL DEFAULT now(),
    deleted_at              timestamptz,
    CONSTRAINT supplier_pricing_period CHECK (effective_to IS NULL OR effective_to >= effective_from)
);

CREATE INDEX idx_supplier_pricing_supplier_album ON supplier_pricing (supplier_id, album_id, effective_from DESC);
-- Reorder planning asks "who sells this album, and for how much".
CREATE INDEX idx_supplier_pricing_album ON supplier_pricing (album_id);

-- Reorders proposed (mostly by the forecasting AI) and their approval workflow.
CREATE TABLE reorder_queue (
    reorder_id            uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    album_id              uuid           NOT NULL REFERENCES albums (album_id),
    -- Null until a supplier is chosen for the proposal.
    supplier_id           uuid           REFERENCES suppliers (supplier_id),
    current_stock         integer        NOT NULL CHECK (current_stock >= 0),
    recommended_quantity  integer        NOT NULL CHECK (recommended_quantity > 0),
    unit_cost             numeric(12,2)  CHECK (unit_cost >= 0),
    total_cost            numeric(12,2)  CHECK (total_cost >= 0),
    priority              priority_level NOT NULL DEFAULT 'medium',
    -- 0 to 100.
    ai_confidence         integer        CHECK (ai_confidence BETWEEN 0 AND 100),
    status                reorder_status NOT NULL DEFAULT 'pending',
    created_at            timestamptz    NOT NULL DEFAULT now(),
    approved_at           timestamptz,
    updated_at            timestamptz    NOT NULL DEFAULT now()
);

CREATE INDEX idx_reorder_queue_status ON reorder_queue (status, created_at DESC);
CREATE INDEX idx_reorder_queue_album ON reorder_queue (album_id);
CREATE INDEX idx_reorder_queue_supplier ON reorder_queue (supplier_id);

CREATE TRIGGER trg_inventory_updated_at BEFORE UPDATE ON inventory FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_suppliers_updated_at BEFORE UPDATE ON suppliers FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_supplier_pricing_updated_at BEFORE UPDATE ON supplier_pricing FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_reorder_queue_updated_at BEFORE UPDATE ON reorder_queue FOR EACH ROW EXECUTE FUNCTION set_updated_at();
