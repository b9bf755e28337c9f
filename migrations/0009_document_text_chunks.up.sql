-- A long document's text, also kept in overlapping chunks, each with its
-- own search vector. Search still matches documents.search; the chunks are
-- for the snippet: ts_headline re-parses all the text it is given (300 ms
-- for 2 MiB), so a long document's snippet comes from its first chunk that
-- matches (2-3 ms), whatever the document's length.
--
-- text_chunks cuts a text of more than 32,000 bytes into chunks of 16,000
-- characters, each running on 200 characters into the next so that any word
-- shorter than that lies whole in one chunk; a shorter text has none.
CREATE FUNCTION text_chunks(t text) RETURNS TABLE (n integer, chunk text)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT g, substr(t, g * 16000 + 1, 16200) FROM generate_series(0, (length(t) - 1) / 16000) g WHERE octet_length(t) > 32000 $$;

CREATE TABLE document_text_chunks (
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    n           integer NOT NULL CHECK (n >= 0),
    text        text NOT NULL,
    search      tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    PRIMARY KEY (document_id, n)
);

INSERT INTO document_text_chunks (document_id, n, text)
SELECT d.id, c.n, c.chunk FROM documents d CROSS JOIN text_chunks(d.text) c;
