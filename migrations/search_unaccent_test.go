package migrations_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// 0022 makes every search column ignore accents and adds the request's
// tracking number, whole and in parts, to its search vector. The rows
// already stored are searchable so at once; the indexes are as before; and
// the migration goes down to the columns and indexes 0021 had, and up again.
func TestMigration22_SearchUnaccent(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 21)
	org, request := draftRequest(t, db)
	db.MustExec(`UPDATE requests SET title = 'Dossier de l''élève', tracking_number = 'CBP-2027-004512' WHERE id = $1`, request)
	var comm, blob, doc string
	require.NoError(t, db.Get(&comm, `INSERT INTO communications (org_id, request_id, direction, channel, kind, occurred_on, subject, body)
		VALUES ($1, $2, 'in', 'email', 'other', '2017-04-01', 'Records', $3) RETURNING id`,
		org, request, strings.Repeat("Records about José Pérez. ", 1500))) // 39,000 characters: 3 chunks
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	require.NoError(t, db.Get(&doc, `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status, text)
		VALUES ($1, $2, $3, 'a.txt', 'text/plain', 'extracted', $4) RETURNING id`,
		org, request, blob, strings.Repeat("Booking sheet of José Pérez. ", 1500)))
	db.MustExec(`INSERT INTO communication_text_chunks (communication_id, n, text)
		SELECT m.id, c.n, c.chunk FROM communications m CROSS JOIN text_chunks(m.body) c`)
	db.MustExec(`INSERT INTO document_text_chunks (document_id, n, text)
		SELECT d.id, c.n, c.chunk FROM documents d CROSS JOIN text_chunks(d.text) c`)

	// The search columns' expressions and every index of their tables.
	type schema struct{ Columns, Indexes []string }
	const tables = `('requests', 'communications', 'documents', 'document_text_chunks', 'communication_text_chunks')`
	schemaNow := func() schema {
		var s schema
		require.NoError(t, db.Select(&s.Columns, `SELECT c.relname || ': ' || pg_get_expr(d.adbin, d.adrelid)
			FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
			WHERE a.attname = 'search' AND c.relname IN `+tables+` ORDER BY 1`))
		require.NoError(t, db.Select(&s.Indexes, `SELECT indexdef FROM pg_indexes WHERE tablename IN `+tables+` ORDER BY indexname`))
		return s
	}
	// matches counts the rows of each table whose search vector matches q
	// under the text search configuration cfg.
	matches := func(cfg, q string) map[string]int {
		out := map[string]int{}
		for _, table := range []string{"requests", "communications", "documents", "document_text_chunks", "communication_text_chunks"} {
			var n int
			require.NoError(t, db.Get(&n, `SELECT count(*) FROM `+table+` WHERE search @@ websearch_to_tsquery($1::regconfig, $2)`, cfg, q))
			out[table] = n
		}
		return out
	}
	before := schemaNow()
	require.Len(t, before.Columns, 5)
	require.Equal(t, map[string]int{"requests": 0, "communications": 0, "documents": 0,
		"document_text_chunks": 0, "communication_text_chunks": 0}, matches("english", "Jose Perez"), "accents count before")

	migrateTo(t, db.DB, 22)
	require.Equal(t, map[string]int{"requests": 0, "communications": 1, "documents": 1,
		"document_text_chunks": 3, "communication_text_chunks": 3}, matches("english_unaccent", "Jose Perez")) // 3 chunks each
	require.Equal(t, matches("english_unaccent", "Jose Perez"), matches("english_unaccent", "José Pérez"))
	for _, q := range []string{"eleve", "élève", "CBP-2027-004512", "004512", "2027-004512"} {
		require.Equal(t, 1, matches("english_unaccent", q)["requests"], q)
	}
	after := schemaNow()
	require.Equal(t, before.Indexes, after.Indexes, "the same indexes")
	require.NotEqual(t, before.Columns, after.Columns)
	for _, c := range after.Columns {
		require.Contains(t, c, "'english_unaccent'::regconfig")
	}
	var rows int
	require.NoError(t, db.Get(&rows, `INSERT INTO requests (org_id, agency_id, title, delivery_method, status, jurisdiction, tracking_number)
		SELECT org_id, agency_id, 'Niñez', 'email', 'draft', 'us-ca', '' FROM requests WHERE id = $1 RETURNING 1`, request))
	require.Equal(t, 1, matches("english_unaccent", "ninez")["requests"], "a new row, with no tracking number")

	migrateTo(t, db.DB, 21)
	require.Equal(t, before, schemaNow(), "down: the columns and indexes of 0021")
	var left int
	require.NoError(t, db.Get(&left, `SELECT (SELECT count(*) FROM pg_ts_config WHERE cfgname = 'english_unaccent')
		+ (SELECT count(*) FROM pg_proc WHERE proname = 'tracking_number_words')`))
	require.Zero(t, left, "down: the configuration and function dropped")
	require.Equal(t, 1, matches("english", "élève")["requests"])
	migrateTo(t, db.DB, 22)
	require.Equal(t, after, schemaNow())
}
