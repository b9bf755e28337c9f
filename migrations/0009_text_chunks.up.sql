-- Long texts, a document's or a communication's body, also kept in
-- overlapping chunks, each with its own search vector. Search still matches
-- documents.search and communications.search; the chunks are for the
-- snippet: ts_headline re-parses all the text it is given (about 250 ms for
-- 2 MiB), so a long text's snippet comes from its first chunk that matches
-- (about 1 ms), whatever the text's length.
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

CREATE TABLE communication_text_chunks (
    communication_id uuid NOT NULL REFERENCES communications (id) ON DELETE CASCADE,
    n                integer NOT NULL CHECK (n >= 0),
    text             text NOT NULL,
    search           tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    PRIMARY KEY (communication_id, n)
);

INSERT INTO document_text_chunks (document_id, n, text)
SELECT d.id, c.n, c.chunk FROM documents d CROSS JOIN text_chunks(d.text) c;

INSERT INTO communication_text_chunks (communication_id, n, text)
SELECT m.id, c.n, c.chunk FROM communications m CROSS JOIN text_chunks(m.body) c;
