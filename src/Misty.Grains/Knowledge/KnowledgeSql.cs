namespace Misty.Grains.Knowledge;

/// <summary>The SQL that reads each kind of item as the text to index, limited to items whose index is missing or stale.</summary>
internal static class KnowledgeSql
{
    private static string Stale(string updatedAt, string removed) =>
        $"s.source_id IS NULL OR s.source_updated_at < {updatedAt} OR s.removed <> ({removed})";

    /// <summary>Columns: id, updated_at, removed, title, body. Parameter: @limit.</summary>
    public static string PendingFor(string kind) => kind switch
    {
        "document" => $"""
            SELECT d.document_id, d.updated_at, false, d.title, d.body
            FROM knowledge_documents d
            LEFT JOIN knowledge_sources s ON s.source_kind = 'document' AND s.source_id = d.document_id
            WHERE {Stale("d.updated_at", "false")}
            LIMIT @limit
            """,
        "album" => $"""
            SELECT a.album_id, a.updated_at, a.deleted_at IS NOT NULL, a.title || ' by ' || a.artist,
                   concat_ws(' ', a.title || ' is a record by ' || a.artist || '.',
                             coalesce(g.name || ' on ' || l.name || '.', g.name || '.', l.name || '.'),
                             'Released ' || a.release_year || '.', 'Condition ' || a.condition || '.', a.description)
            FROM albums a
            LEFT JOIN genres g ON g.genre_id = a.genre_id
            LEFT JOIN labels l ON l.label_id = a.label_id
            LEFT JOIN knowledge_sources s ON s.source_kind = 'album' AND s.source_id = a.album_id
            WHERE {Stale("a.updated_at", "a.deleted_at IS NOT NULL")}
            LIMIT @limit
            """,
        "review" => $"""
            SELECT r.review_id, r.updated_at, r.deleted_at IS NOT NULL OR coalesce(r.review_text, '') = '',
                   'Review of ' || a.title || ' by ' || a.artist,
                   'Rated ' || r.rating || ' of 5. ' || coalesce(r.review_text, '')
            FROM reviews r
            JOIN albums a ON a.album_id = r.album_id
            LEFT JOIN knowledge_sources s ON s.source_kind = 'review' AND s.source_id = r.review_id
            WHERE {Stale("r.updated_at", "r.deleted_at IS NOT NULL OR coalesce(r.review_text, '') = ''")}
            LIMIT @limit
            """,
        // Only resolved cases, with the staff replies that resolved them (internal notes stay out).
        "case" => $"""
            SELECT c.case_id, c.updated_at, c.status NOT IN ('resolved', 'closed'), 'Case ' || c.case_number || ': ' || c.subject,
                   concat_ws(E'\n', 'Customer: ' || c.description,
                             (SELECT string_agg('Reply: ' || m.message, E'\n' ORDER BY m.created_at)
                              FROM case_messages m WHERE m.case_id = c.case_id AND NOT m.from_customer AND NOT m.is_internal))
            FROM cases c
            LEFT JOIN knowledge_sources s ON s.source_kind = 'case' AND s.source_id = c.case_id
            WHERE ({Stale("c.updated_at", "c.status NOT IN ('resolved', 'closed')")})
              AND (s.source_id IS NOT NULL OR c.status IN ('resolved', 'closed'))
            LIMIT @limit
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a knowledge kind."),
    };

    /// <summary>
    /// A term in more than this share of the chunks with keywords (PostgreSQL's statistics of the tsvector column, whose
    /// shares count only rows where it is not null, so sentence windows do not weigh) is left out of the keyword query:
    /// ts_rank_cd has no inverse document frequency, so such a term ("record", "album") adds noise to the ranking, and
    /// every chunk it matches has to be ranked, which is most of a search's time on a large index.
    /// </summary>
    public const string CommonTermShare = "0.02";

    /// <summary>
    /// The question's words (stemmed, English stop-words removed) ORed, because a question phrased in other words than
    /// its answer rarely has them all; ts_rank_cd orders by how many match and how close together. Terms common in
    /// the corpus are dropped (<see cref="CommonTermShare"/>), except the rarest one when all of them are; before the
    /// first ANALYZE of the table there are no statistics and every term is kept. Sentence windows (negative chunk
    /// numbers) repeat their passage's text, so their tsvector is null (migration 0920) and they never match. Only
    /// passages holding every quoted phrase of the search (@required, <see cref="SearchSyntax"/>) are ranked.
    /// </summary>
    public const string Keyword = $$"""
        WITH {{Constraints}}, common AS (
            SELECT e.lexeme, e.share
            FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, share)
            WHERE s.schemaname = ANY (current_schemas(false)) AND s.tablename = 'knowledge_chunks' AND s.attname = 'search_vector'
        ), words AS (
            SELECT w.lexeme, coalesce(c.share, 0) AS share
            FROM unnest(tsvector_to_array(to_tsvector('english', @query))) AS w(lexeme)
            LEFT JOIN common c ON c.lexeme = w.lexeme
        ), q AS (
            -- Each lexeme quoted as tsquery input wants it: quotes doubled, backslashes escaped.
            SELECT string_agg('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''', ' | ')::tsquery AS query
            FROM words
            WHERE share < {{CommonTermShare}} OR lexeme = (SELECT lexeme FROM words ORDER BY share, lexeme LIMIT 1)
        ), hits AS (
            SELECT c.source_kind, c.source_id, c.chunk_no, ts_rank_cd(c.search_vector, q.query, 1) AS rank
            FROM knowledge_chunks c, q
            CROSS JOIN constraints
            WHERE q.query IS NOT NULL AND c.search_vector @@ q.query AND (cardinality(@kinds) = 0 OR c.source_kind = ANY (@kinds))
              AND (coalesce(numnode(constraints.required), 0) = 0 OR c.search_vector @@ constraints.required)
        )
        SELECT DISTINCT ON (source_kind, source_id) source_kind, source_id, chunk_no, rank
        FROM hits
        ORDER BY source_kind, source_id, rank DESC
        """;

    /// <summary>
    /// Of the given items (@kinds, @ids), those that satisfy the search's operators: some passage holds every quoted
    /// phrase (@required) and none holds an excluded word or phrase (@excluded). No operator (a null query) or one of stop
    /// words alone (an empty query, numnode 0) constrains nothing.
    /// </summary>
    public const string Satisfying = $$"""
        WITH {{Constraints}}
        SELECT k.kind, k.id
        FROM unnest(@kinds::varchar[], @ids::uuid[]) AS k(kind, id), constraints
        WHERE (coalesce(numnode(constraints.required), 0) = 0 OR EXISTS (
                  SELECT 1 FROM knowledge_chunks c
                  WHERE c.source_kind = k.kind AND c.source_id = k.id AND c.search_vector @@ constraints.required))
          AND (coalesce(numnode(constraints.excluded), 0) = 0 OR NOT EXISTS (
                  SELECT 1 FROM knowledge_chunks c
                  WHERE c.source_kind = k.kind AND c.source_id = k.id AND c.search_vector @@ constraints.excluded))
        """;

    private const string Constraints = """
        constraints AS (
            SELECT CASE WHEN @required <> '' THEN websearch_to_tsquery('english', @required) END AS required,
                   CASE WHEN @excluded <> '' THEN websearch_to_tsquery('english', @excluded) END AS excluded
        )
        """;
}
