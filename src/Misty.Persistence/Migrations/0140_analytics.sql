-- Phase 5 of docs/schema.md: analytics and metrics (pre-aggregated reporting tables, customer segments).

-- Like sales_channel, plus 'all' for the across-channels total.
CREATE TYPE metrics_channel AS ENUM ('in-store', 'online', 'phone', 'corporate', 'all');
CREATE TYPE segment_type AS ENUM ('vip_collector', 'regular_enthusiast', 'casual_buyer', 'new_customer');

-- One row per day, channel and genre (genre_id null = all genres). The unique key lets the aggregator
-- recompute a day with INSERT ... ON CONFLICT instead of piling up duplicates.
CREATE TABLE sales_metrics (
    metric_id        uuid            PRIMARY KEY DEFAULT gen_random_uuid(),
    metric_date      date            NOT NULL,
    channel          metrics_channel NOT NULL DEFAULT 'all',
    genre_id         uuid            REFERENCES genres (genre_id) ON DELETE CASCADE,
    -- Not constrained to >= 0: refunds can make a day net negative.
    revenue          numeric(12,2)   NOT NULL DEFAULT 0,
    units_sold       integer         NOT NULL DEFAULT 0 CHECK (units_sold >= 0),
    avg_order_value  numeric(12,2)   CHECK (avg_order_value >= 0),
    customer_count   integer         NOT NULL DEFAULT 0 CHECK (customer_count >= 0),
    new_customers    integer         NOT NULL DEFAULT 0 CHECK (new_customers >= 0),
    created_at       timestamptz     NOT NULL DEFAULT now(),
    updated_at       timestamptz     NOT NULL DEFAULT now(),
    CONSTRAINT sales_metrics_day_channel_genre UNIQUE NULLS NOT DISTINCT (metric_date, channel, genre_id)
);

CREATE INDEX idx_sales_metrics_genre ON sales_metrics (genre_id, metric_date) WHERE genre_id IS NOT NULL;

-- One row per day and scope: album_id for one album, genre_id for one genre, both null for the whole store.
CREATE TABLE inventory_metrics (
    metric_id           uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    metric_date         date          NOT NULL,
    album_id            uuid          REFERENCES albums (album_id) ON DELETE CASCADE,
    genre_id            uuid          REFERENCES genres (genre_id) ON DELETE CASCADE,
    total_skus          integer       NOT NULL DEFAULT 0 CHECK (total_skus >= 0),
    total_value         numeric(12,2) NOT NULL DEFAULT 0 CHECK (total_value >= 0),
    turnover_rate       numeric(10,4) CHECK (turnover_rate >= 0),
    low_stock_count     integer       NOT NULL DEFAULT 0 CHECK (low_stock_count >= 0),
    out_of_stock_count  integer       NOT NULL DEFAULT 0 CHECK (out_of_stock_count >= 0),
    overstock_count     integer       NOT NULL DEFAULT 0 CHECK (overstock_count >= 0),
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT inventory_metrics_day_scope UNIQUE NULLS NOT DISTINCT (metric_date, album_id, genre_id)
);

CREATE INDEX idx_inventory_metrics_album ON inventory_metrics (album_id, metric_date) WHERE album_id IS NOT NULL;
CREATE INDEX idx_inventory_metrics_genre ON inventory_metrics (genre_id, metric_date) WHERE genre_id IS NOT NULL;

-- Segment assignments over time (assigned_date); derived from purchase history, so it goes with the customer.
CREATE TABLE customer_segments (
    segment_id     uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id    uuid          NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    segment_type   segment_type  NOT NULL,
    assigned_date  date          NOT NULL DEFAULT CURRENT_DATE,
    -- 0 to 100: how strongly the customer fits the segment.
    segment_score  numeric(5,2)  CHECK (segment_score BETWEEN 0 AND 100),
    created_at     timestamptz   NOT NULL DEFAULT now(),
    updated_at     timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX idx_customer_segments_customer ON customer_segments (customer_id, assigned_date DESC);
CREATE INDEX idx_customer_segments_type ON customer_segments (segment_type);

CREATE TRIGGER trg_sales_metrics_updated_at BEFORE UPDATE ON sales_metrics FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_inventory_metrics_updated_at BEFORE UPDATE ON inventory_metrics FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_customer_segments_updated_at BEFORE UPDATE ON customer_segments FOR EACH ROW EXECUTE FUNCTION set_updated_at();
