package migrations_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// 0032 finds a document by the words of its file name, for the documents
// already there, ranks a match in the name above one in the text, and goes
// down and up again.
func TestMigration32_DocumentFilenameWords(t *testing.T) {
	t.Parallel()
	db := databaseAt(t, 31)
	org, request := draftRequest(t, db)
	var blob string
	require.NoError(t, db.Get(&blob, `INSERT INTO blobs (org_id, sha256, size, chunk_size) VALUES ($1, sha256(''), 0, 1) RETURNING id`, org))
	doc := func(name, text string) string {
		t.Helper()
		var id string
		require.NoError(t, db.Get(&id, `INSERT INTO documents (org_id, request_id, blob_id, filename, content_type, text_status, text)
			VALUES ($1, $2, $3, $4, 'application/octet-stream', 'extracted', $5) RETURNING id`, org, request, blob, name, text))
		return id
	}
	named := doc("Jones_Deposition_Transcript.docx", "")
	image := doc("Kowalczyk.png", "")
	quoting := doc("letter.txt", "The deposition of Mr Jones is attached.")
	found := func(q string) []string {
		t.Helper()
		var ids []string
		require.NoError(t, db.Select(&ids, `SELECT id FROM documents WHERE search @@ websearch_to_tsquery('english_unaccent', $1)
			ORDER BY ts_rank(search, websearch_to_tsquery('english_unaccent', $1)) DESC, filename`, q))
		return ids
	}
	require.Equal(t, []string{quoting}, found("deposition"), "before: the name is one token")
	require.Empty(t, found("Kowalczyk"))

	migrateTo(t, db.DB, 32)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"deposition", []string{named, quoting}}, // the name first
		{"Jones transcript", []string{named}},
		{"Kowalczyk", []string{image}},
		{"Kowalczyk.png", []string{image}}, // the whole name still
		{"docx", []string{named}},
	} {
		require.Equal(t, tc.want, found(tc.q), tc.q)
	}
	migrateTo(t, db.DB, 31)
	require.Empty(t, found("Kowalczyk"))
	migrateTo(t, db.DB, 32)
	require.Equal(t, []string{image}, found("Kowalczyk"))
}
