-- Knowledge assistant (issue 19): staff documents, and the retrieval index over documents, albums, resolved case
-- replies and reviews. Plain PostgreSQL 15: keywords through a tsvector with a GIN index; embeddings (384 floats,
-- L2-normalised) in a real[] searched in process, so no extension is needed.

CREATE TABLE knowledge_documents (
    document_id  uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    title        varchar(300)  NOT NULL,
    body         text          NOT NULL,
    kind         varchar(16)   NOT NULL CHECK (kind IN ('faq', 'policy', 'guide', 'note')),
    tags         text[]        NOT NULL DEFAULT '{}',
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now()
);

CREATE TRIGGER trg_knowledge_documents_updated_at BEFORE UPDATE ON knowledge_documents FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One row per indexed item: what version of the item its chunks were built from, so the catch-up finds items that
-- changed since, and every node follows changes by change_no to keep its in-memory vectors current.
CREATE TABLE knowledge_sources (
    source_kind        varchar(16)  NOT NULL CHECK (source_kind IN ('document', 'album', 'case', 'review')),
    source_id          uuid         NOT NULL,
    source_updated_at  timestamptz  NOT NULL,
    -- True once the item is gone (deleted document, soft-deleted album): its chunks are deleted, the row stays as a tombstone.
    removed            boolean      NOT NULL DEFAULT false,
    change_no          bigint       NOT NULL,
    changed_at         timestamptz  NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (source_kind, source_id)
);

CREATE SEQUENCE knowledge_change_no;
CREATE INDEX idx_knowledge_sources_changed ON knowledge_sources (changed_at);

CREATE TABLE knowledge_chunks (
    source_kind    varchar(16)  NOT NULL,
    source_id      uuid         NOT NULL,
    chunk_no       integer      NOT NULL,
    title          text         NOT NULL,
    content        text         NOT NULL,
    -- The title weighs more than the passage, and travels with every chunk of its item.
    search_vector  tsvector     GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', content), 'B')) STORED,
    embedding      real[]       NOT NULL,
    PRIMARY KEY (source_kind, source_id, chunk_no),
    FOREIGN KEY (source_kind, source_id) REFERENCES knowledge_sources (source_kind, source_id) ON DELETE CASCADE
);

CREATE INDEX idx_knowledge_chunks_search ON knowledge_chunks USING gin (search_vector);
