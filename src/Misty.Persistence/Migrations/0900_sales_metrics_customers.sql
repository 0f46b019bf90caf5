-- The sales report reads whole days from sales_metrics (issue 23). Average order value over several days needs each
-- day's order count, and the distinct and new customers of a week or a month do not add up from daily counts, so the
-- roll-up also keeps each day's customers (and, for the top sellers, each day's albums).

-- Null on rows rolled up before this column existed: the report reads such days from the orders until they are
-- rolled up again.
ALTER TABLE sales_metrics ADD COLUMN order_count integer CHECK (order_count >= 0);

-- One row per day, channel, genre (null: albums without a genre) and customer who bought in it, with the day of the
-- customer's first order that was not cancelled: "new in a period" is a first order within it.
CREATE TABLE sales_metrics_customers (
    metric_date       date           NOT NULL,
    channel           sales_channel  NOT NULL,
    genre_id          uuid           REFERENCES genres (genre_id) ON DELETE CASCADE,
    customer_id       uuid           NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    first_order_date  date           NOT NULL
);

CREATE INDEX idx_sales_metrics_customers_day ON sales_metrics_customers (metric_date, channel);

-- Each day's units and revenue per channel and album: a period's top sellers without reading every order line.
CREATE TABLE sales_metrics_albums (
    metric_date  date           NOT NULL,
    channel      sales_channel  NOT NULL,
    album_id     uuid           NOT NULL REFERENCES albums (album_id) ON DELETE CASCADE,
    units        integer        NOT NULL CHECK (units >= 0),
    revenue      numeric(12,2)  NOT NULL
);

CREATE INDEX idx_sales_metrics_albums_day ON sales_metrics_albums (metric_date, channel);
