-- Replenishment (issue 16): a reorder line's lifecycle (dismissed, partly received, part of a purchase order), pack
-- sizes on supplier price lists, and one open proposal per album.

-- A manager's "no" to a proposal; the planner does not propose the album again for a review period.
ALTER TYPE reorder_status ADD VALUE IF NOT EXISTS 'dismissed';

ALTER TABLE reorder_queue
    -- Units received so far; a line stays ordered until all have come.
    ADD COLUMN received_quantity  integer     NOT NULL DEFAULT 0 CHECK (received_quantity >= 0),
    -- The purchase order the line went out on: the approved lines of one supplier ordered together share it.
    ADD COLUMN purchase_order_id  uuid,
    ADD COLUMN ordered_at         timestamptz,
    -- Grows by one per change of the line, so a live view keeps the newest.
    ADD COLUMN version            bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD CONSTRAINT reorder_queue_received_within CHECK (received_quantity <= recommended_quantity);

-- At most one pending (not yet approved) line per album: a planner rerun updates it rather than adding a second.
CREATE UNIQUE INDEX reorder_queue_one_pending_per_album ON reorder_queue (album_id) WHERE status = 'pending';
CREATE INDEX reorder_queue_purchase_order ON reorder_queue (purchase_order_id) WHERE purchase_order_id IS NOT NULL;

-- Units per pack: orders from this price list are whole packs.
ALTER TABLE supplier_pricing ADD COLUMN pack_size integer NOT NULL DEFAULT 1 CHECK (pack_size >= 1);
