-- Sentence windows (chunk_no < 0, issue 19) repeat their passage's text as content, so a tsvector over them repeated
-- every word of a staff document once per sentence: PostgreSQL's element statistics, from which the keyword query
-- drops common terms, leaned toward document words, and the GIN index held the same entries several times. Windows
-- are for the vector ranking only, so they get no tsvector. PostgreSQL 15 cannot alter a generated column's
-- expression: the column is dropped (with its index) and added again, which recomputes it for the rows already there.

ALTER TABLE knowledge_chunks DROP COLUMN search_vector;

ALTER TABLE knowledge_chunks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    CASE WHEN chunk_no >= 0
        THEN setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', content), 'B')
    END) STORED;

CREATE INDEX idx_knowledge_chunks_search ON knowledge_chunks USING gin (search_vector);
